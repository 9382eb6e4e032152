import { type AppDeps, createRouter } from "../../context";
import { legacyConfigRoutes } from "./config";
import { legacyDashboardRoutes } from "./dashboard";
import { legacyMarketRoutes } from "./market";
import { legacyMonitoringRoutes } from "./monitoring";
import { legacyOrdersRoutes } from "./orders";
import { legacyOutOfScopeRoutes } from "./out-of-scope";
import { legacyPositionsRoutes } from "./positions";
import { legacyTestRoutes } from "./test-endpoints";
import { legacyTradingRoutes } from "./trading";
import { legacyWatchlistRoutes } from "./watchlist";

/**
 * The replaced frontend's API (ccruz0/frontend `src/lib/api.ts`), mounted by app.ts at LEGACY_API_PREFIX behind its
 * own auth (x-api-key or Bearer) and error shape (`{"detail"}`). Each group only translates: the rules are ATP's
 * services', the shapes the frontend's.
 */
export function legacyRoutes(deps: AppDeps) {
  const router = createRouter()
    .route("/", legacyDashboardRoutes(deps))
    .route("/", legacyMonitoringRoutes(deps))
    .route("/", legacyWatchlistRoutes(deps))
    .route("/", legacyOrdersRoutes(deps))
    .route("/", legacyTradingRoutes(deps))
    .route("/", legacyMarketRoutes(deps))
    .route("/", legacyConfigRoutes(deps))
    .route("/", legacyPositionsRoutes(deps))
    .route("/", legacyOutOfScopeRoutes());
  // ENABLE_TEST_ENDPOINTS: without it `POST /test/simulate-alert` does not exist (404).
  return deps.config.ENABLE_TEST_ENDPOINTS ? router.route("/", legacyTestRoutes(deps)) : router;
}
