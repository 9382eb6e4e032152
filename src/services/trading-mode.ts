import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { readLiveTrading, writeLiveTrading } from "../db/queries/settings";
import type { ExchangeClient } from "../exchanges/types";
import type { OrderClients } from "./order-clients";

/** Where the next order goes, read from the database at the moment of the order (never cached). */
export interface OrderRoute {
  client: ExchangeClient;
  /** True only when live_trading is on and the exchange is live: real money. */
  live: boolean;
  /** Set when the operator's wish and the outcome differ (live_trading on, exchange paper). */
  note: string | null;
}

const LIVE_BUT_PAPER = "live_trading is on but the exchange is not live: orders go to the paper exchange";

/** Chooses the exchange for one order: live only when `live_trading` is on AND the exchange is live. */
export async function routeOrder(database: Database, clients: OrderClients): Promise<OrderRoute> {
  const liveTrading = await readLiveTrading(database.db);
  if (liveTrading && clients.exchange.live) return { client: clients.exchange, live: true, note: null };
  return { client: clients.paperExchange, live: false, note: liveTrading ? LIVE_BUT_PAPER : null };
}

/** The trading mode as `GET /api/trading/mode` shows it. */
export async function describeTradingMode(database: Database, exchange: ExchangeClient | undefined) {
  const liveTrading = await readLiveTrading(database.db);
  const live = liveTrading && exchange?.live === true;
  return {
    live_trading: liveTrading,
    mode: live ? ("LIVE" as const) : ("DRY_RUN" as const),
    exchange: exchange?.name ?? null,
    exchange_live: exchange?.live ?? false,
    note: liveTrading && !live ? LIVE_BUT_PAPER : null,
  };
}

/** Switches live trading on or off and announces it. */
export async function setLiveTrading(database: Database, on: boolean): Promise<void> {
  await writeLiveTrading(database.db, on);
  await notifyChange(database.sql, "settings");
}
