/**
 * Matching resting limit and trigger orders inside the account's transaction: every order still open is checked against
 * the price path between the stored clock and now, its fills move the locked funds, then the clock moves.
 */
import { Big } from "../../domain/money";
import { type CheckPoint, checkPoints, fillFee, firstTrigger, limitFill } from "./fills";
import type { PricePath } from "./prices";
import {
  adjustBalance,
  advanceClock,
  lockAccount,
  markTriggered,
  type PaperOrderRow,
  recordFill,
  selectFree,
  selectOpenOrders,
  type Tx,
  updateStatus,
} from "./store";

/** The price path of a listed symbol; throws UnknownOrderError for any other. */
export type PathFor = (symbol: string) => PricePath;

/**
 * Locks the account and matches every resting order over (clock, now]. A symbol whose price is pinned is also
 * checked at `now` itself, so a pin takes effect at once rather than at the next grid point.
 */
export async function matchInTransaction(
  tx: Tx,
  now: number,
  pathFor: PathFor,
  feeRate: Big,
  pinned: (symbol: string) => boolean = () => false,
): Promise<void> {
  const clock = await lockAccount(tx);
  if (now <= clock) return;
  for (const row of await selectOpenOrders(tx)) {
    if (row.order_type === "MARKET" || row.price === null) continue;
    const path = pathFor(row.symbol);
    const points = checkPoints(path, Math.max(clock, row.created_ms), now);
    if (pinned(row.symbol) && (points.at(-1)?.time ?? 0) < now) points.push({ time: now, ticks: 1 });
    await applyRestingFill(tx, row, path, feeRate, points);
  }
  await advanceClock(tx, now);
}

/**
 * A resting order over the check points: a trigger order not yet armed is armed at the first point its trigger is
 * crossed, and from that point on fills as a limit order; any other fills as a limit order at every point.
 */
export async function applyRestingFill(
  tx: Tx,
  row: PaperOrderRow,
  path: PricePath,
  feeRate: Big,
  points: CheckPoint[],
): Promise<PaperOrderRow> {
  let current = row;
  let from = points;
  if (row.trigger_price !== null && row.triggered_ms === null) {
    const armed = firstTrigger(path, row.order_type, row.side, row.trigger_price, points);
    if (armed === null) return row;
    // Armed: only now are its funds reserved; without them (its OCO sibling sold the coins) it is rejected.
    const [asset, amount] = reservation(row, path);
    if (new Big(await selectFree(tx, asset)).lt(amount)) return updateStatus(tx, row.seq, "REJECTED", armed);
    await adjustBalance(tx, asset, { free: amount.neg().toFixed(), locked: amount.toFixed() }, armed);
    current = await markTriggered(tx, row.seq, armed);
    from = points.filter((p) => p.time >= armed);
  }
  return applyLimitFill(tx, current, path, feeRate, from);
}

/** What a resting order reserves while it works: the quote value of what is left to buy, or the base left to sell. */
export function reservation(row: PaperOrderRow, path: PricePath): [asset: string, amount: Big] {
  const remaining = new Big(row.quantity).minus(row.filled_quantity);
  return row.side === "BUY" ? [path.market.quote, remaining.times(row.price ?? "0")] : [path.market.base, remaining];
}

/** Fills as much of a resting order as the check points allow, moving the locked funds. */
export async function applyLimitFill(
  tx: Tx,
  row: PaperOrderRow,
  path: PricePath,
  feeRate: Big,
  points: CheckPoint[],
): Promise<PaperOrderRow> {
  const limit = new Big(row.price ?? "0");
  const quantity = new Big(row.quantity);
  const remaining = quantity.minus(row.filled_quantity);
  const fill = limitFill(path, row.side, limit, remaining, points);
  if (fill.quantity.eq(0) || fill.lastFillTime === null) return row;
  const value = fill.quantity.times(limit);
  const fee = fillFee(row.side, fill.quantity, value, feeRate);
  const { base, quote } = path.market;
  const time = fill.lastFillTime;
  if (row.side === "BUY") {
    await adjustBalance(tx, quote, { locked: value.neg().toFixed() }, time);
    await adjustBalance(tx, base, { free: fill.quantity.minus(fee).toFixed() }, time);
  } else {
    await adjustBalance(tx, base, { locked: fill.quantity.neg().toFixed() }, time);
    await adjustBalance(tx, quote, { free: value.minus(fee).toFixed() }, time);
  }
  const status = fill.quantity.eq(remaining) ? "FILLED" : "PARTIALLY_FILLED";
  return recordFill(tx, row.seq, {
    quantity: fill.quantity.toFixed(),
    value: value.toFixed(),
    fee: fee.toFixed(),
    status,
    time,
  });
}
