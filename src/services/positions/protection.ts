/**
 * The protection manager, run in every trading_scheduler cycle on each account this server trades: every open lot
 * of a signal entry gets a take-profit and a stop-loss for what it holds, OCO-linked by the manager itself (when
 * one fills, the other is cancelled), on every exchange.
 *
 * Nothing twice: a row is written (`placing`, with the client order id `tp-<entry>` / `sl-<entry>[-g<n>]`) before
 * the exchange is called, and a row still `placing` is finished by asking the exchange for that id again (its
 * createOrder returns the existing order), so a crash between placing and recording never doubles an order.
 */

import { notifyChange } from "../../db/changes";
import type { Database } from "../../db/client";
import { recordOrder } from "../../db/queries/orders";
import { type LotRow, recordDustQty } from "../../db/queries/position-lots";
import {
  insertPlacing,
  type ProtectionOrderRow,
  protectableLots,
  protectionRows,
  setProtectionState,
} from "../../db/queries/protection";
import { ExchangeError, InvalidOrderError, reactionTo, UnknownOrderError } from "../../domain/exchange-errors";
import { Big, roundDown } from "../../domain/money";
import { type ExchangeOrder, isOpenStatus } from "../../domain/orders";
import { PROTECTION_KINDS, type ProtectionKind, protectionClientOid } from "../../domain/protection";
import { splitSymbol } from "../../domain/symbol";
import type { ExchangeClient } from "../../exchanges/types";
import type { Logger } from "../../lib/logger";
import type { Notifier } from "../notifier/types";
import type { OrderClients } from "../order-clients";
import { entryPriceOf, exitsFor, type SymbolExits } from "./exit-levels";

export interface ProtectionDeps {
  database: Database;
  clients: OrderClients;
  log: Logger;
  notifier?: Notifier;
}

/** What one cycle did. */
export interface ProtectionSummary {
  placed: number;
  filled: number;
  cancelled: number;
  replaced: number;
  vanished: number;
  races: number;
}

const WORKING = new Set(["placing", "open"]);
const isWorking = (r: ProtectionOrderRow) => WORKING.has(r.state);

/** One protection cycle over the paper account and, when configured, the live one. */
export async function runProtectionCycle(deps: ProtectionDeps): Promise<ProtectionSummary> {
  const summary: ProtectionSummary = { placed: 0, filled: 0, cancelled: 0, replaced: 0, vanished: 0, races: 0 };
  for (const client of new Set([deps.clients.paperExchange, deps.clients.exchange])) {
    await protectAccount(deps, client, summary);
  }
  return summary;
}

async function protectAccount(deps: ProtectionDeps, client: ExchangeClient, summary: ProtectionSummary) {
  const sql = deps.database.sql;
  const account = client.name;
  // The rows of the held lots' entries, and of the entries whose orders this cycle followed (a lot both sides of
  // which filled is no longer held, yet its race must be seen).
  const followed = new Set<string>();
  const load = async () => {
    const lots = await protectableLots(sql, account);
    const entries = [...lots.map((l) => l.entry_order_id), ...followed];
    return { lots, rows: await protectionRows(sql, account, entries) };
  };
  let { lots, rows } = await load();
  if (lots.length === 0 && rows.length === 0) return;

  // 1. What became of the working orders: finish placements, look up those that left the open list.
  const working = rows.filter(isWorking);
  for (const row of working) followed.add(row.entry_order_id);
  const open = working.some((r) => r.state === "open")
    ? new Set((await client.fetchOpenOrders()).map((o) => o.exchangeOrderId))
    : new Set<string>();
  for (const row of working) {
    if (row.state === "placing") await place(deps, client, row, summary);
    else if (row.exchange_order_id && !open.has(row.exchange_order_id)) await follow(deps, client, row, summary);
  }
  ({ lots, rows } = await load());

  // 2. OCO: once one side of an entry filled, the other is cancelled; both filled is a race, reported.
  for (const entry of new Set(rows.map((r) => r.entry_order_id))) {
    const own = rows.filter((r) => r.entry_order_id === entry);
    const filled = own.filter((r) => r.state === "filled");
    if (filled.length === 0) continue;
    if (new Set(filled.map((r) => r.kind)).size > 1) {
      await reportRace(deps, filled, summary);
      continue;
    }
    for (const sibling of own.filter(isWorking)) await cancelSibling(deps, client, sibling, filled[0], summary);
  }
  ({ lots, rows } = await load());

  // A working order whose lot is no longer held (sold by a force exit, a signal or by hand) is withdrawn.
  const held = new Set(lots.map((l) => l.entry_order_id));
  for (const row of rows.filter((r) => r.state === "open" && !held.has(r.entry_order_id))) {
    if (await cancelProtection(deps, client, row, "position closed")) summary.cancelled++;
  }

  // 3. Every open lot protected for what it holds, never more than the account holds.
  const budgets = new Map<string, Big>();
  const balances = lots.length > 0 ? await client.fetchBalances() : [];
  const instruments = lots.length > 0 ? await client.fetchInstruments() : [];
  const exits = new Map<string, SymbolExits | null>();
  for (const lot of lots) {
    const own = rows.filter((r) => r.entry_order_id === lot.entry_order_id);
    if (own.some((r) => r.state === "filled" || r.state === "race")) continue;
    const key = `${lot.symbol}|${lot.entry_order_id}`;
    if (!exits.has(key)) exits.set(key, await exitsFor(deps.database, instruments, lot.symbol, entryPriceOf(lot)));
    const levels = exits.get(key);
    if (!levels) continue;
    for (const kind of PROTECTION_KINDS) {
      const level = kind === "take_profit" ? levels.takeProfit : levels.stopLoss;
      if (!level) continue;
      const budgetKey = `${lot.symbol}|${kind}`;
      const base = splitSymbol(lot.symbol).base;
      const budget = budgets.get(budgetKey) ?? new Big(balances.find((b) => b.asset === base)?.total ?? "0");
      const remaining = new Big(lot.remaining);
      const wanted = roundDown(remaining.lt(budget) ? remaining : budget, levels.quantityDecimals);
      budgets.set(budgetKey, budget.minus(wanted));
      if (wanted.lte(0)) continue;
      const size = { quantity: wanted.toFixed(), decimals: levels.quantityDecimals };
      await ensureProtected(deps, client, lot, kind, level, size, own, summary);
    }
  }
}

/** Places this kind for the lot, replacing a working order of another quantity. */
async function ensureProtected(
  deps: ProtectionDeps,
  client: ExchangeClient,
  lot: LotRow,
  kind: ProtectionKind,
  level: { trigger: string; limit: string },
  { quantity, decimals }: { quantity: string; decimals: number },
  own: ProtectionOrderRow[],
  summary: ProtectionSummary,
) {
  const mine = own.filter((r) => r.kind === kind);
  const active = mine.find(isWorking);
  if (active && new Big(active.quantity).eq(quantity)) return;
  if (active) {
    const done = await cancelProtection(deps, client, active, `replaced: the position now holds ${quantity}`);
    if (!done) return;
    summary.replaced++;
  }
  // The exit is sized to this step: its sale closes what is left below it (dust).
  await recordDustQty(deps.database.sql, client.name, lot.symbol, decimals);
  const generation = mine.reduce((max, r) => Math.max(max, r.generation + 1), 0);
  const row = await insertPlacing(deps.database.sql, {
    account: client.name,
    symbol: lot.symbol,
    entry_order_id: lot.entry_order_id,
    kind,
    generation,
    client_oid: protectionClientOid(kind, lot.entry_order_id, generation),
    quantity,
    trigger_price: level.trigger,
    limit_price: level.limit,
  });
  if (row) await place(deps, client, row, summary);
}

/** Places (or finds again, by its client order id) the order of a `placing` row and records it. */
async function place(
  deps: ProtectionDeps,
  client: ExchangeClient,
  row: ProtectionOrderRow,
  summary: ProtectionSummary,
) {
  let order: ExchangeOrder;
  try {
    order = await client.createOrder({
      symbol: row.symbol,
      side: "SELL",
      type: row.kind === "take_profit" ? "TAKE_PROFIT_LIMIT" : "STOP_LIMIT",
      quantity: row.quantity,
      price: row.limit_price,
      triggerPrice: row.trigger_price,
      clientOid: row.client_oid,
    });
  } catch (error) {
    // Refused: nothing was placed. Temporary trouble: the row stays `placing` and the next cycle asks again.
    if (!(error instanceof ExchangeError) || reactionTo(error) !== "reject") throw error;
    await setProtectionState(deps.database.sql, row.id, "cancelled", { note: `refused: ${error.message}` });
    deps.log.warn("protection order refused", { client_oid: row.client_oid, error: error.message });
    return;
  }
  await recordProtection(deps, client, row, order);
  summary.placed++;
}

/** Records an order of a protection row in the mirror (its fills booked there) and the row's new state. */
async function recordProtection(
  deps: Pick<ProtectionDeps, "database">,
  client: ExchangeClient,
  row: ProtectionOrderRow,
  order: ExchangeOrder,
  ended: "cancelled" | "vanished" = "vanished",
) {
  const state = isOpenStatus(order.status) ? "open" : order.status === "FILLED" ? "filled" : ended;
  await deps.database.sql.begin(async (tx) => {
    await recordOrder(tx, client.name, order);
    await setProtectionState(tx, row.id, state, {
      exchangeOrderId: order.exchangeOrderId,
      note: state === "vanished" ? `${order.status} outside ATP` : undefined,
    });
    await notifyChange(tx, "orders");
  });
  return state;
}

/** An open protection order that left the exchange's open list: filled, or gone (then re-placed next). */
async function follow(
  deps: ProtectionDeps,
  client: ExchangeClient,
  row: ProtectionOrderRow,
  summary: ProtectionSummary,
) {
  try {
    const state = await recordProtection(
      deps,
      client,
      row,
      await client.fetchOrder(row.exchange_order_id ?? "", row.symbol),
    );
    if (state === "filled") summary.filled++;
    if (state === "vanished") summary.vanished++;
  } catch (error) {
    if (!(error instanceof UnknownOrderError)) throw error;
    await setProtectionState(deps.database.sql, row.id, "vanished", { note: "unknown to the exchange" });
    summary.vanished++;
  }
}

/** Cancels one of ATP's protection orders; false when it filled meanwhile (recorded as such). */
export async function cancelProtection(
  deps: Pick<ProtectionDeps, "database">,
  client: ExchangeClient,
  row: ProtectionOrderRow,
  note: string,
): Promise<boolean> {
  if (!row.exchange_order_id) return false;
  try {
    const order = await client.cancelOrder(row.exchange_order_id, row.symbol);
    const state = await recordProtection(deps, client, row, order, "cancelled");
    if (state === "cancelled") await setProtectionState(deps.database.sql, row.id, "cancelled", { note });
    return state === "cancelled";
  } catch (error) {
    if (!(error instanceof InvalidOrderError)) throw error;
    // It can no longer be cancelled: it filled or ended; learn which.
    await recordProtection(deps, client, row, await client.fetchOrder(row.exchange_order_id, row.symbol));
    return false;
  }
}

async function cancelSibling(
  deps: ProtectionDeps,
  client: ExchangeClient,
  sibling: ProtectionOrderRow,
  filled: ProtectionOrderRow | undefined,
  summary: ProtectionSummary,
) {
  if (sibling.state === "placing") await place(deps, client, sibling, summary);
  const [current] = (await protectionRows(deps.database.sql, client.name, [sibling.entry_order_id])).filter(
    (r) => r.id === sibling.id,
  );
  if (!current || !isWorking(current)) return;
  if (await cancelProtection(deps, client, current, `OCO: ${filled?.kind ?? "its sibling"} filled`))
    summary.cancelled++;
}

/** Both sides of an entry filled: more was sold than the OCO meant to. Reported, never hidden. */
async function reportRace(deps: ProtectionDeps, filled: ProtectionOrderRow[], summary: ProtectionSummary) {
  for (const row of filled) {
    await setProtectionState(deps.database.sql, row.id, "race", { note: "both take-profit and stop-loss filled" });
  }
  summary.races++;
  const entry = filled[0]?.entry_order_id;
  deps.log.error("protection race: both take-profit and stop-loss filled", {
    entry_order_id: entry,
    orders: filled.map((r) => r.exchange_order_id),
  });
  deps.notifier?.notify({
    event: "protection",
    text: `ATP protection race on ${filled[0]?.symbol}: take-profit and stop-loss of ${entry} both filled`,
    data: { entry_order_id: entry, orders: filled.map((r) => r.exchange_order_id) },
  });
}
