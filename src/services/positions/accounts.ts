import type { Database } from "../../db/client";
import { latestPrices } from "../../db/queries/positions";
import { PAPER_ACCOUNT } from "../../domain/trading-mode";
import type { OrderClients } from "../order-clients";
import { clientOfAccount, currentTradingMode } from "../trading-mode";

/** The account a read is about: the one asked for, else the one orders go to now (paper unless LIVE). */
export async function resolveAccount(
  database: Database,
  clients: OrderClients | undefined,
  requested?: string,
): Promise<string> {
  if (requested) return requested;
  if (!clients) return PAPER_ACCOUNT;
  return (await currentTradingMode(database, clients.exchange)).account;
}

/**
 * Current prices of the symbols: the account's own exchange when this server has it (the price its orders fill
 * at), else the latest market_data price. A symbol neither knows is left out.
 */
export async function markPrices(
  database: Database,
  clients: OrderClients | undefined,
  account: string,
  symbols: readonly string[],
): Promise<Map<string, string>> {
  if (symbols.length === 0) return new Map();
  const prices = await latestPrices(database.sql, symbols);
  const client = clients ? clientOfAccount(clients, account) : null;
  if (client) {
    for (const ticker of await client.fetchTickers([...symbols])) prices.set(ticker.symbol, ticker.last);
  }
  return prices;
}
