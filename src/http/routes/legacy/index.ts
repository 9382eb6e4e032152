import { type AppDeps, createRouter } from "../../context";
import { legacyDashboardRoutes } from "./dashboard";
import { legacyMonitoringRoutes } from "./monitoring";
import { legacyOrdersRoutes } from "./orders";
import { legacyOutOfScopeRoutes } from "./out-of-scope";
import { legacyTradingRoutes } from "./trading";
import { legacyWatchlistRoutes } from "./watchlist";

/**
 * The replaced frontend's API (ccruz0/frontend `src/lib/api.ts`), mounted by app.ts at LEGACY_API_PREFIX behind its
 * own auth (x-api-key or Bearer) and error shape (`{"detail"}`). Each group only translates: the rules are ATP's
 * services', the shapes the frontend's.
 */
export function legacyRoutes(deps: AppDeps) {
  return createRouter()
    .route("/", legacyDashboardRoutes(deps))
    .route("/", legacyMonitoringRoutes(deps))
    .route("/", legacyWatchlistRoutes(deps))
    .route("/", legacyOrdersRoutes(deps))
    .route("/", legacyTradingRoutes(deps))
    .route("/", legacyOutOfScopeRoutes());
}
