import { type AppDeps, createRouter } from "../../context";
import { legacyDashboardRoutes } from "./dashboard";
import { legacyMonitoringRoutes } from "./monitoring";
import { legacyOutOfScopeRoutes } from "./out-of-scope";

/**
 * The replaced frontend's API (ccruz0/frontend `src/lib/api.ts`), mounted by app.ts at LEGACY_API_PREFIX behind its
 * own auth (x-api-key or Bearer) and error shape (`{"detail"}`). Each group only translates: the rules are ATP's
 * services', the shapes the frontend's.
 */
export function legacyRoutes(deps: AppDeps) {
  return createRouter()
    .route("/", legacyDashboardRoutes(deps))
    .route("/", legacyMonitoringRoutes(deps))
    .route("/", legacyOutOfScopeRoutes());
}
