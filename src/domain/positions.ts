/**
 * Trades and positions from fills, pure (no I/O). Fills are matched FIFO per symbol into lots: every BUY order
 * opens one lot (a trade), and SELL fills close the oldest open lots first. Amounts are big.js decimals in strings;
 * a share of a lot's cost or a fill's value is split off by subtraction, so what is booked always sums back to
 * the whole, to the last decimal.
 *
 * Fees are converted into quote: a fee in quote is taken as is; a fee in base is valued at the fill's average
 * price and changes the base quantity (a BUY receives `quantity − fee`, a SELL gives up `quantity + fee`). A fee in
 * any other asset cannot be valued here: it is reported apart (`otherFees`) and left out of P&L.
 */
import { Big } from "./money";

/** Decimals of every computed share (prices and amounts of all supported markets need far fewer). */
export const SHARE_DECIMALS = 12;

/** How a trade ended, read from the client order id of the SELL that closed it. */
export type ExitReason = "take_profit" | "stop_loss" | "force_exit" | "signal" | "manual";

/** One execution (or the newly filled part of an order) as the mirror reports it. */
export interface PositionFill {
  orderId: string;
  clientOid: string | null;
  side: "BUY" | "SELL";
  /** Gross base quantity of this fill. */
  quantity: string;
  /** Gross quote value of this fill. */
  value: string;
  fee: string;
  feeCurrency: string | null;
  /** ISO time of the fill. */
  time: string;
}

/** A fill normalised to the position's currencies: base moved, quote value of that base, fee in quote. */
export interface NormalisedFill {
  /** Base quantity added (BUY) or removed (SELL). */
  quantity: Big;
  /** Quote value of `quantity` at the fill's price. */
  value: Big;
  /** Fee in quote. */
  fee: Big;
  /** Fee in an asset that is neither base nor quote (not in P&L). */
  otherFee: Big;
}

/** One lot: the part of a BUY order still held, and what its closed part made. */
export interface Lot {
  /** Storage id; null for a lot opened by this computation. */
  id: number | null;
  entryOrderId: string;
  entryClientOid: string | null;
  openedAt: string;
  /** Base quantity the entry acquired (net of a base fee). */
  quantity: string;
  /** Quote value of `quantity` at the entry price. */
  entryValue: string;
  entryFee: string;
  /** Base quantity still held. */
  remaining: string;
  /** Entry value and entry fee still attributed to `remaining`. */
  remainingCost: string;
  remainingFee: string;
  /** The closed part: base sold, its proceeds, exit fees, and the entry cost and fee it released. */
  exitQuantity: string;
  exitValue: string;
  exitFee: string;
  closedCost: string;
  closedFee: string;
  closedAt: string | null;
  exitReason: ExitReason | null;
}

/** The state of one symbol's position: its lots oldest first, and sold base no lot could match. */
export interface PositionBook {
  lots: Lot[];
  unmatchedQty: string;
  otherFees: string;
}

/** What applying fills changed. */
export interface BookChange {
  book: PositionBook;
  /** Lots that are new or changed (write them back). */
  touched: Lot[];
}

const ZERO = "0";

/** The exit reason of a SELL, by its client order id's prefix (tp-, sl-, exit-, sig-; anything else is manual). */
export function exitReasonOf(clientOid: string | null): ExitReason {
  if (clientOid?.startsWith("tp-")) return "take_profit";
  if (clientOid?.startsWith("sl-")) return "stop_loss";
  if (clientOid?.startsWith("exit-")) return "force_exit";
  if (clientOid?.startsWith("sig-")) return "signal";
  return "manual";
}

/** Converts a fill into base moved, its quote value and the fee in quote, for a `BASE_QUOTE` symbol. */
export function normaliseFill(fill: PositionFill, base: string, quote: string): NormalisedFill {
  const quantity = new Big(fill.quantity);
  const value = new Big(fill.value);
  const fee = new Big(fill.fee || ZERO);
  const zero = new Big(0);
  if (fee.eq(0) || fill.feeCurrency === quote) return { quantity, value, fee, otherFee: zero };
  if (fill.feeCurrency !== base) return { quantity, value, fee: zero, otherFee: fee };
  const price = quantity.gt(0) ? value.div(quantity) : zero;
  const feeQuote = fee.times(price).round(SHARE_DECIMALS);
  return fill.side === "BUY"
    ? { quantity: quantity.minus(fee), value: value.minus(feeQuote), fee: feeQuote, otherFee: zero }
    : { quantity: quantity.plus(fee), value: value.plus(feeQuote), fee: feeQuote, otherFee: zero };
}

/** `whole × part / of`, rounded, or the whole itself when the part is all of it (so shares sum to the whole). */
function share(whole: Big, part: Big, of: Big): Big {
  if (part.eq(of) || of.eq(0)) return whole;
  return whole.times(part).div(of).round(SHARE_DECIMALS);
}

const s = (value: Big) => value.toFixed();
/** Whether a lot still holds what the exchange can sell: more than zero and at least `dust` (the smallest step). */
const sellable = (remaining: Big, dust: Big) => remaining.gt(0) && remaining.gte(dust);

/**
 * Applies fills, in order, to a symbol's book. A BUY adds to its order's lot (opened by the first fill); a SELL
 * closes the oldest lots with base left, and whatever no lot holds is added to `unmatchedQty`, never given a cost.
 * A lot is closed once what is left of it is below `dust` (less than the exchange can sell); that rest stays in
 * the lot, held and marked, and a later SELL still takes it first.
 */
export function applyFills(
  book: PositionBook,
  fills: readonly PositionFill[],
  { base, quote, dust = "0" }: { base: string; quote: string; dust?: string },
): BookChange {
  // Copy on write: a book holds thousands of open lots and a page of fills touches a few.
  const lots = [...book.lots];
  const touched = new Set<Lot>();
  const writable = (index: number) => {
    const lot = lots[index] as Lot;
    if (touched.has(lot)) return lot;
    const copy = { ...lot };
    lots[index] = copy;
    touched.add(copy);
    return copy;
  };
  let unmatched = new Big(book.unmatchedQty);
  let otherFees = new Big(book.otherFees);
  const dustQty = new Big(dust);
  for (const fill of fills) {
    const n = normaliseFill(fill, base, quote);
    otherFees = otherFees.plus(n.otherFee);
    if (n.quantity.lte(0)) continue;
    if (fill.side === "BUY") {
      const index = lots.findIndex((l) => l.entryOrderId === fill.orderId);
      addToLot(index === -1 ? newLot(lots, fill, touched) : writable(index), n, dustQty);
      continue;
    }
    let left = n.quantity;
    let value = n.value;
    let fee = n.fee;
    for (let index = 0; index < lots.length; index++) {
      if (left.eq(0)) break;
      const remaining = new Big((lots[index] as Lot).remaining);
      if (remaining.eq(0)) continue;
      const lot = writable(index);
      const matched = remaining.lt(left) ? remaining : left;
      const exitValue = share(value, matched, left);
      const exitFee = share(fee, matched, left);
      const cost = share(new Big(lot.remainingCost), matched, remaining);
      const entryFee = share(new Big(lot.remainingFee), matched, remaining);
      lot.remaining = s(remaining.minus(matched));
      lot.remainingCost = s(new Big(lot.remainingCost).minus(cost));
      lot.remainingFee = s(new Big(lot.remainingFee).minus(entryFee));
      lot.exitQuantity = s(new Big(lot.exitQuantity).plus(matched));
      lot.exitValue = s(new Big(lot.exitValue).plus(exitValue));
      lot.exitFee = s(new Big(lot.exitFee).plus(exitFee));
      lot.closedCost = s(new Big(lot.closedCost).plus(cost));
      lot.closedFee = s(new Big(lot.closedFee).plus(entryFee));
      if (lot.closedAt === null && !sellable(new Big(lot.remaining), dustQty)) {
        lot.closedAt = fill.time;
        lot.exitReason = exitReasonOf(fill.clientOid);
      }
      left = left.minus(matched);
      value = value.minus(exitValue);
      fee = fee.minus(exitFee);
    }
    unmatched = unmatched.plus(left);
  }
  return {
    book: { lots, unmatchedQty: s(unmatched), otherFees: s(otherFees) },
    touched: lots.filter((lot) => touched.has(lot)),
  };
}

/** A new, empty lot of a BUY order's first fill, appended to the book. */
function newLot(lots: Lot[], fill: PositionFill, touched: Set<Lot>): Lot {
  const lot: Lot = {
    id: null,
    entryOrderId: fill.orderId,
    entryClientOid: fill.clientOid,
    openedAt: fill.time,
    quantity: ZERO,
    entryValue: ZERO,
    entryFee: ZERO,
    remaining: ZERO,
    remainingCost: ZERO,
    remainingFee: ZERO,
    exitQuantity: ZERO,
    exitValue: ZERO,
    exitFee: ZERO,
    closedCost: ZERO,
    closedFee: ZERO,
    closedAt: null,
    exitReason: null,
  };
  lots.push(lot);
  touched.add(lot);
  return lot;
}

/** Adds a BUY fill to its order's lot (a copy the caller may change). */
function addToLot(lot: Lot, n: NormalisedFill, dust: Big): void {
  lot.quantity = s(new Big(lot.quantity).plus(n.quantity));
  lot.entryValue = s(new Big(lot.entryValue).plus(n.value));
  lot.entryFee = s(new Big(lot.entryFee).plus(n.fee));
  lot.remaining = s(new Big(lot.remaining).plus(n.quantity));
  lot.remainingCost = s(new Big(lot.remainingCost).plus(n.value));
  lot.remainingFee = s(new Big(lot.remainingFee).plus(n.fee));
  // More of the entry filled after the lot had been sold down (a late partial fill): it is open again.
  if (lot.closedAt !== null && sellable(new Big(lot.remaining), dust)) {
    lot.closedAt = null;
    lot.exitReason = null;
  }
}

/** Realised P&L of a lot's closed part: proceeds − exit fees − entry cost − entry fees released. */
export function realisedPnl(lot: Lot): Big {
  return new Big(lot.exitValue).minus(lot.exitFee).minus(lot.closedCost).minus(lot.closedFee);
}

/** Unrealised P&L of what a lot still holds, at `mark`: mark value − remaining cost − remaining entry fee. */
export function unrealisedPnl(lot: Lot, mark: string): Big {
  return new Big(lot.remaining).times(mark).minus(lot.remainingCost).minus(lot.remainingFee);
}

/** A position's figures at a mark price: open quantity, average entry, realised and unrealised P&L. */
export interface PositionSummary {
  openQty: string;
  /** Average entry price of what is held, fees included; null when flat. */
  averageEntry: string | null;
  /** Cost (entry value + entry fees) of what is held. */
  openCost: string;
  realised: string;
  unrealised: string | null;
  unrealisedPct: string | null;
}

/** Sums a book's lots into its position figures (mark null: price unknown, no unrealised figures). */
export function summarisePosition(book: PositionBook, mark: string | null): PositionSummary {
  let openQty = new Big(0);
  let openCost = new Big(0);
  let realised = new Big(0);
  let unrealised = new Big(0);
  for (const lot of book.lots) {
    openQty = openQty.plus(lot.remaining);
    openCost = openCost.plus(lot.remainingCost).plus(lot.remainingFee);
    realised = realised.plus(realisedPnl(lot));
    if (mark !== null) unrealised = unrealised.plus(unrealisedPnl(lot, mark));
  }
  const held = openQty.gt(0);
  return {
    openQty: s(openQty),
    averageEntry: held ? s(openCost.div(openQty).round(SHARE_DECIMALS)) : null,
    openCost: s(openCost),
    realised: s(realised),
    unrealised: mark === null ? null : s(unrealised),
    unrealisedPct: mark !== null && openCost.gt(0) ? s(unrealised.times(100).div(openCost).round(4)) : null,
  };
}
