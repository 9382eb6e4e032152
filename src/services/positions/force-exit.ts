import type { Database } from "../../db/client";
import { findOrderRequest } from "../../db/queries/order-requests";
import { recordDustQty } from "../../db/queries/position-lots";
import { openLots } from "../../db/queries/positions";
import { workingProtection } from "../../db/queries/protection";
import { Conflict } from "../../domain/errors";
import { Big, roundDown } from "../../domain/money";
import { quantityDecimalsFor } from "../../domain/order-sizing";
import { splitSymbol } from "../../domain/symbol";
import { findByClientOrderId, type PlacementLimits, placeManualOrder } from "../manual-orders";
import { type OrderClients, requireClients } from "../order-clients";
import { routeOrder } from "../trading-mode";
import { cancelProtection } from "./protection";

/** The client order id of a force exit: `exit-<Idempotency-Key>` (its SELL closes the trades as `force_exit`). */
export const forceExitClientOid = (idempotencyKey: string) => `exit-${idempotencyKey}`;

/**
 * Force exit of a symbol on the account orders go to now: cancels its working protection orders, then sells what
 * its open lots hold (capped by the free balance) at market through the manual-order path, so the key is claimed
 * before the exchange is called. A second call with the same key replays the first answer and sells nothing.
 * Conflict when nothing is held.
 */
export async function forceExit(
  database: Database,
  available: OrderClients | undefined,
  { symbol, idempotencyKey, limits }: { symbol: string; idempotencyKey: string; limits: PlacementLimits },
) {
  const clients = requireClients(available);
  const clientOid = forceExitClientOid(idempotencyKey);
  if (await findOrderRequest(database.sql, clientOid)) {
    const known = await findByClientOrderId(database, clientOid);
    if (!known.order) throw new Conflict(`force exit ${clientOid} is ${known.state}`);
    return { symbol, order: known.order, replayed: true, cancelled_protection: [] as string[] };
  }
  const { client, account } = await routeOrder(database, clients);
  const cancelled: string[] = [];
  for (const row of await workingProtection(database.sql, account, symbol)) {
    if (await cancelProtection({ database }, client, row, "force exit")) cancelled.push(row.client_oid);
  }
  const lots = await openLots(database.sql, account, symbol);
  const held = lots.reduce((sum, l) => sum.plus(l.remaining), new Big(0));
  const free = new Big((await client.fetchBalances()).find((b) => b.asset === splitSymbol(symbol).base)?.free ?? "0");
  const instrument = (await client.fetchInstruments()).find((i) => i.symbol === symbol);
  const [ticker] = await client.fetchTickers([symbol]);
  const decimals = instrument?.quantityDecimals ?? quantityDecimalsFor(ticker?.last ?? "0");
  const quantity = roundDown(held.lt(free) ? held : free, decimals);
  if (quantity.lte(0)) throw new Conflict(`no open ${symbol} position on the ${account} account to exit`);
  await recordDustQty(database.sql, account, symbol, decimals);
  const outcome = await placeManualOrder(
    database,
    clients,
    { symbol, side: "SELL", type: "MARKET", quantity: quantity.toFixed(), clientOid },
    limits,
  );
  return { symbol, order: outcome.order, replayed: outcome.replayed, cancelled_protection: cancelled };
}
