import { Hono } from "hono";
import type { Config } from "../../config";
import type { Database } from "../../db/client";
import type { ExchangeClient } from "../../exchanges/types";
import { placementLimits } from "../../services/manual-orders";
import { orderClients } from "../../services/trading-mode";
import { loansRoutes } from "./loans";
import { ordersRoutes } from "./orders";
import { portfolioRoutes } from "./portfolio";
import { signalsRoutes } from "./signals";
import { tradingRoutes } from "./trading";
import { watchlistRoutes } from "./watchlist";

export interface TradingApiDeps {
  config: Config;
  database: Database;
  /** The account's exchange; without it, placing and cancelling orders answer 503. */
  exchange?: ExchangeClient;
  /** Where orders go while live trading is off; required when `exchange` is live. */
  paperExchange?: ExchangeClient;
  now?: () => Date;
}

/** The trading API: watchlist, orders, signals, portfolio, loans and the trading mode, each behind its auth. */
export function tradingApiRoutes({ config, database, exchange, paperExchange, now }: TradingApiDeps) {
  const auth = { apiToken: config.API_TOKEN, readToken: config.READ_TOKEN };
  const defaults = { cooldownSeconds: config.SIGNAL_COOLDOWN_S, minPriceChangePct: config.SIGNAL_MIN_PRICE_CHANGE_PCT };
  return new Hono()
    .route("/api/watchlist", watchlistRoutes({ database, auth, defaults, now }))
    .route(
      "/api/orders",
      ordersRoutes({ database, auth, clients: orderClients(exchange, paperExchange), limits: placementLimits(config) }),
    )
    .route("/api/signals", signalsRoutes({ database, auth, testEndpoints: config.ENABLE_TEST_ENDPOINTS, now }))
    .route("/api/portfolio", portfolioRoutes({ database, auth }))
    .route("/api/loans", loansRoutes({ database, auth }))
    .route("/api/trading", tradingRoutes({ database, auth, exchange }));
}
