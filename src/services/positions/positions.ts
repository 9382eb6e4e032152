import type { Database } from "../../db/client";
import { toLot } from "../../db/queries/position-lots";
import { accountBooks, activeProtection, openLots, type ProtectionRow } from "../../db/queries/positions";
import { Big } from "../../domain/money";
import { summarisePosition } from "../../domain/positions";
import type { OrderClients } from "../order-clients";
import { markPrices, resolveAccount } from "./accounts";

/** A protection order as a position shows it. */
export interface ProtectionJson {
  kind: "take_profit" | "stop_loss";
  state: string;
  client_oid: string;
  exchange_order_id: string | null;
  entry_order_id: string;
  generation: number;
  quantity: string;
  trigger_price: string;
  limit_price: string;
  order_status: string | null;
  filled_quantity: string | null;
  note: string | null;
  /** What its unfilled part makes (take-profit) or loses (stop-loss) at its limit price over the average entry. */
  expected_outcome: string | null;
}

/** One open position of an account. */
export interface PositionJson {
  account: string;
  symbol: string;
  open_qty: string;
  average_entry: string | null;
  open_cost: string;
  current_price: string | null;
  unrealised_pnl: string | null;
  unrealised_pnl_pct: string | null;
  realised_pnl: string;
  unmatched_qty: string;
  lots: number;
  protection: ProtectionJson[];
  tp_covered_qty: string;
  sl_covered_qty: string;
  /** What the working take-profits would make at their limit price over the average entry (exit fees not included). */
  expected_profit_at_tp: string | null;
  /** What the working stop-losses would lose at their limit price (negative; exit fees not included). */
  expected_loss_at_sl: string | null;
}

/** An order's unfilled quantity, and what it makes at its limit price over the average entry (null without one). */
function outcomeOf(p: ProtectionRow, averageEntry: string | null): { left: Big; outcome: Big | null } {
  const left = new Big(p.quantity).minus(p.filled_quantity ?? "0");
  return { left, outcome: averageEntry === null ? null : left.times(new Big(p.limit_price).minus(averageEntry)) };
}

const toProtectionJson = (p: ProtectionRow, averageEntry: string | null): ProtectionJson => ({
  kind: p.kind,
  state: p.state,
  client_oid: p.client_oid,
  exchange_order_id: p.exchange_order_id,
  entry_order_id: p.entry_order_id,
  generation: p.generation,
  quantity: p.quantity,
  trigger_price: p.trigger_price,
  limit_price: p.limit_price,
  order_status: p.order_status,
  filled_quantity: p.filled_quantity,
  note: p.note,
  expected_outcome: outcomeOf(p, averageEntry).outcome?.round(8).toFixed() ?? null,
});

/** What the working orders of one kind cover, and what they make at their limit price over the average entry. */
function coverage(protection: ProtectionRow[], kind: ProtectionRow["kind"], averageEntry: string | null) {
  let covered = new Big(0);
  let outcome = new Big(0);
  for (const p of protection.filter((x) => x.kind === kind)) {
    const one = outcomeOf(p, averageEntry);
    covered = covered.plus(one.left);
    if (one.outcome !== null) outcome = outcome.plus(one.outcome);
  }
  return { covered: covered.toFixed(), outcome: averageEntry === null ? null : outcome.round(8).toFixed() };
}

/**
 * The open positions of an account (default: the one orders go to now), per symbol: open quantity, average entry
 * (fees included), current price, unrealised P&L, realised so far, the protection orders and what they cover.
 */
export async function listPositions(
  database: Database,
  clients: OrderClients | undefined,
  { account: requested, symbol }: { account?: string; symbol?: string } = {},
): Promise<{ account: string; positions: PositionJson[] }> {
  const account = await resolveAccount(database, clients, requested);
  const [lots, books, protection] = await Promise.all([
    openLots(database.sql, account, symbol),
    accountBooks(database.sql, account),
    activeProtection(database.sql, account, symbol),
  ]);
  const symbols = [...new Set(lots.map((l) => l.symbol))];
  const prices = await markPrices(database, clients, account, symbols);
  const positions = symbols.map((s): PositionJson => {
    const book = books.find((b) => b.symbol === s);
    const mark = prices.get(s) ?? null;
    const summary = summarisePosition(
      { lots: lots.filter((l) => l.symbol === s).map(toLot), unmatchedQty: "0", otherFees: "0" },
      mark,
    );
    const own = protection.filter((p) => p.symbol === s);
    const tp = coverage(own, "take_profit", summary.averageEntry);
    const sl = coverage(own, "stop_loss", summary.averageEntry);
    return {
      account,
      symbol: s,
      open_qty: summary.openQty,
      average_entry: summary.averageEntry,
      open_cost: summary.openCost,
      current_price: mark,
      unrealised_pnl: summary.unrealised,
      unrealised_pnl_pct: summary.unrealisedPct,
      realised_pnl: book?.realised ?? "0",
      unmatched_qty: book?.unmatched_qty ?? "0",
      lots: lots.filter((l) => l.symbol === s).length,
      protection: own.map((p) => toProtectionJson(p, summary.averageEntry)),
      tp_covered_qty: tp.covered,
      sl_covered_qty: sl.covered,
      expected_profit_at_tp: tp.outcome,
      expected_loss_at_sl: sl.outcome,
    };
  });
  return { account, positions };
}
