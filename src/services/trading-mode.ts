import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { readEntriesEnabled, readLiveTrading, writeEntriesEnabled, writeLiveTrading } from "../db/queries/settings";
import { type TradingModeState, tradingMode } from "../domain/trading-mode";
import type { ExchangeClient } from "../exchanges/types";
import type { OrderClients } from "./order-clients";

/** Where the next order goes, read from the database at the moment of the order (never cached). */
export interface OrderRoute {
  client: ExchangeClient;
  /** The account of `client`: `paper` or the live exchange's id. */
  account: string;
  /** True only when live_trading is on and the exchange is live: real money. */
  live: boolean;
  /** Set when the operator's wish and the outcome differ (live_trading on, exchange paper). */
  note: string | null;
}

/** The derived mode for the configured exchange (or none), with the switch read now. */
export async function currentTradingMode(
  database: Database,
  exchange: Pick<ExchangeClient, "name" | "live"> | undefined,
): Promise<TradingModeState> {
  const liveTrading = await readLiveTrading(database.sql);
  return tradingMode({ liveTrading, exchangeLive: exchange?.live === true, exchangeName: exchange?.name ?? "paper" });
}

/** Chooses the exchange for one order: live only when `live_trading` is on AND the exchange is live. */
export async function routeOrder(database: Database, clients: OrderClients): Promise<OrderRoute> {
  const { mode, account, note } = await currentTradingMode(database, clients.exchange);
  const live = mode === "LIVE";
  return { client: live ? clients.exchange : clients.paperExchange, account, live, note };
}

/** The client of an order's own account: a paper order is looked up and cancelled on the paper exchange. */
export function clientOfAccount(clients: OrderClients, account: string): ExchangeClient | null {
  if (account === clients.paperExchange.name) return clients.paperExchange;
  return account === clients.exchange.name ? clients.exchange : null;
}

/** The trading mode as `GET /api/trading/mode` shows it. */
export async function describeTradingMode(database: Database, exchange: ExchangeClient | undefined) {
  const liveTrading = await readLiveTrading(database.sql);
  const state = tradingMode({
    liveTrading,
    exchangeLive: exchange?.live === true,
    exchangeName: exchange?.name ?? "paper",
  });
  return {
    live_trading: liveTrading,
    mode: state.mode,
    account: state.account,
    entries_enabled: await readEntriesEnabled(database.sql),
    exchange: exchange?.name ?? null,
    exchange_live: exchange?.live ?? false,
    note: state.note,
  };
}

/** Switches live trading on or off and announces it. */
export async function setLiveTrading(database: Database, on: boolean): Promise<void> {
  await writeLiveTrading(database.sql, on);
  await notifyChange(database.sql, "settings");
}

/** Pauses (false) or resumes (true) new entries; protection and exits keep running either way. */
export async function setEntriesEnabled(database: Database, on: boolean): Promise<void> {
  await writeEntriesEnabled(database.sql, on);
  await notifyChange(database.sql, "settings");
}
