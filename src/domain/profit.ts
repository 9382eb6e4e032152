/**
 * Profit figures from lots, pure (no I/O): what one lot contributes to its book's totals (so a booking adds the
 * difference between a lot's new and old contribution, exactly), and the ratios the profit API reports.
 */
import { Big } from "./money";
import { type Lot, realisedPnl } from "./positions";

/**
 * Totals of a book: realised P&L of every lot, the closed trades' count, wins, losses, gross and holding time, and
 * what the open lots still hold (quantity, and cost with entry fees), so the positions part reads no lots.
 */
export interface BookTotals {
  realised: string;
  closedTrades: number;
  wins: number;
  losses: number;
  grossProfit: string;
  grossLoss: string;
  heldSeconds: string;
  openQty: string;
  openCost: string;
}

export const ZERO_TOTALS: BookTotals = {
  realised: "0",
  closedTrades: 0,
  wins: 0,
  losses: 0,
  grossProfit: "0",
  grossLoss: "0",
  heldSeconds: "0",
  openQty: "0",
  openCost: "0",
};

/** Whether a lot is an open position's: it still holds something and is not closed (a dust rest is closed). */
const isOpen = (lot: Lot) => lot.closedAt === null && new Big(lot.remaining).gt(0);
/** Entry value and entry fee still attributed to what a lot holds. */
const openCostOf = (lot: Lot) => new Big(lot.remainingCost).plus(lot.remainingFee);

/** Seconds between two ISO instants, exact to the millisecond. */
export function secondsBetween(from: string, to: string): Big {
  return new Big(Date.parse(to) - Date.parse(from)).div(1000);
}

/** What a lot adds to its book's totals: its realised P&L, when open what it holds, when closed one trade won or lost. */
export function lotContribution(lot: Lot): BookTotals {
  const realised = realisedPnl(lot);
  if (lot.closedAt === null) {
    return isOpen(lot)
      ? { ...ZERO_TOTALS, realised: realised.toFixed(), openQty: lot.remaining, openCost: openCostOf(lot).toFixed() }
      : { ...ZERO_TOTALS, realised: realised.toFixed() };
  }
  return {
    realised: realised.toFixed(),
    closedTrades: 1,
    wins: realised.gt(0) ? 1 : 0,
    losses: realised.lt(0) ? 1 : 0,
    grossProfit: realised.gt(0) ? realised.toFixed() : "0",
    grossLoss: realised.lt(0) ? realised.toFixed() : "0",
    heldSeconds: secondsBetween(lot.openedAt, lot.closedAt).toFixed(),
    openQty: "0",
    openCost: "0",
  };
}

/** a + sign × b, field by field. */
export function addTotals(a: BookTotals, b: BookTotals, sign: 1 | -1 = 1): BookTotals {
  const plus = (x: string, y: string) => new Big(x).plus(new Big(y).times(sign)).toFixed();
  return {
    realised: plus(a.realised, b.realised),
    closedTrades: a.closedTrades + sign * b.closedTrades,
    wins: a.wins + sign * b.wins,
    losses: a.losses + sign * b.losses,
    grossProfit: plus(a.grossProfit, b.grossProfit),
    grossLoss: plus(a.grossLoss, b.grossLoss),
    heldSeconds: plus(a.heldSeconds, b.heldSeconds),
    openQty: plus(a.openQty, b.openQty),
    openCost: plus(a.openCost, b.openCost),
  };
}

/** Win rate in percent (null without closed trades), profit factor (null without a loss), average holding seconds. */
export function profitRatios(totals: BookTotals): {
  winRatePct: string | null;
  profitFactor: string | null;
  averageHoldSeconds: string | null;
} {
  const trades = totals.closedTrades;
  const loss = new Big(totals.grossLoss).abs();
  return {
    winRatePct: trades > 0 ? new Big(totals.wins).times(100).div(trades).round(2).toFixed() : null,
    profitFactor: loss.gt(0) ? new Big(totals.grossProfit).div(loss).round(4).toFixed() : null,
    averageHoldSeconds: trades > 0 ? new Big(totals.heldSeconds).div(trades).round(0).toFixed() : null,
  };
}

/** The largest fall from a running peak over a series of values (oldest first): absolute and in percent of the peak. */
export function maxDrawdown(values: readonly string[]): { abs: string; pct: string | null } {
  let peak: Big | null = null;
  let worst = new Big(0);
  let worstPct: Big | null = null;
  for (const raw of values) {
    const value = new Big(raw);
    if (peak === null || value.gt(peak)) peak = value;
    const fall = peak.minus(value);
    if (fall.gt(worst)) {
      worst = fall;
      worstPct = peak.gt(0) ? fall.times(100).div(peak).round(4) : null;
    }
  }
  return { abs: worst.toFixed(), pct: worstPct === null ? (worst.eq(0) ? "0" : null) : worstPct.toFixed() };
}

/**
 * A book's totals after a booking: each touched lot's new contribution replaces its old one (none if new). Summed
 * in big.js and written out once (this runs for every booked page of an import).
 */
export function totalsAfter(totals: BookTotals, before: readonly Lot[], touched: readonly Lot[]): BookTotals {
  let realised = new Big(totals.realised);
  let grossProfit = new Big(totals.grossProfit);
  let grossLoss = new Big(totals.grossLoss);
  let held = new Big(totals.heldSeconds);
  let openQty = new Big(totals.openQty);
  let openCost = new Big(totals.openCost);
  let { closedTrades, wins, losses } = totals;
  const apply = (lot: Lot, sign: 1 | -1) => {
    const r = realisedPnl(lot);
    const signed = sign === 1 ? r : r.neg();
    realised = realised.plus(signed);
    if (isOpen(lot)) {
      const cost = openCostOf(lot);
      openQty = sign === 1 ? openQty.plus(lot.remaining) : openQty.minus(lot.remaining);
      openCost = sign === 1 ? openCost.plus(cost) : openCost.minus(cost);
    }
    if (lot.closedAt === null) return;
    closedTrades += sign;
    if (r.gt(0)) {
      wins += sign;
      grossProfit = grossProfit.plus(signed);
    } else if (r.lt(0)) {
      losses += sign;
      grossLoss = grossLoss.plus(signed);
    }
    const seconds = secondsBetween(lot.openedAt, lot.closedAt);
    held = sign === 1 ? held.plus(seconds) : held.minus(seconds);
  };
  // Only the touched lots' previous state matters: no map of the whole book.
  const ids = new Set(touched.map((l) => l.entryOrderId));
  const previous = new Map(before.filter((l) => ids.has(l.entryOrderId)).map((l) => [l.entryOrderId, l]));
  for (const lot of touched) {
    apply(lot, 1);
    const old = previous.get(lot.entryOrderId);
    if (old) apply(old, -1);
  }
  return {
    realised: realised.toFixed(),
    closedTrades,
    wins,
    losses,
    grossProfit: grossProfit.toFixed(),
    grossLoss: grossLoss.toFixed(),
    heldSeconds: held.toFixed(),
    openQty: openQty.toFixed(),
    openCost: openCost.toFixed(),
  };
}
