import { describe, expect, test } from "bun:test";
import { applyFills, type PositionBook, type PositionFill } from "./positions";
import { maxDrawdown, profitRatios, totalsAfter, ZERO_TOTALS } from "./profit";

const fill = (
  orderId: string,
  side: "BUY" | "SELL",
  quantity: string,
  value: string,
  minute: number,
): PositionFill => ({
  orderId,
  clientOid: null,
  side,
  quantity,
  value,
  fee: "0",
  feeCurrency: null,
  time: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
});
const BTC = { base: "BTC", quote: "USDT" };

describe("book totals kept by difference", () => {
  test("booked in steps or at once, the totals are the same, to the last decimal", () => {
    const fills = [
      fill("b1", "BUY", "1", "100", 0),
      fill("b2", "BUY", "1", "130", 1),
      fill("s1", "SELL", "0.5", "60", 2),
      fill("s2", "SELL", "1", "110", 63),
    ];
    const empty: PositionBook = { lots: [], unmatchedQty: "0", otherFees: "0" };
    const once = applyFills(empty, fills, BTC);
    const all = totalsAfter({ ...ZERO_TOTALS }, [], once.touched);
    let book = empty;
    let stepped = { ...ZERO_TOTALS };
    for (const f of fills) {
      const change = applyFills(book, [f], BTC);
      stepped = totalsAfter(stepped, book.lots, change.touched);
      book = change.book;
    }
    expect(stepped).toEqual(all);
    // b1 closed: 0.5 at 120 + 0.5 at 110 − 100 = 15, held 63 min; b2 half sold at 110 − 65 = -10, still open.
    expect(all).toEqual({
      realised: "5",
      closedTrades: 1,
      wins: 1,
      losses: 0,
      grossProfit: "15",
      grossLoss: "0",
      heldSeconds: "3780",
      openQty: "0.5",
      openCost: "65",
    });
  });

  test("ratios: win rate, profit factor, average holding time; none without trades or losses", () => {
    expect(profitRatios(ZERO_TOTALS)).toEqual({ winRatePct: null, profitFactor: null, averageHoldSeconds: null });
    expect(
      profitRatios({
        realised: "5",
        closedTrades: 3,
        wins: 2,
        losses: 1,
        grossProfit: "15",
        grossLoss: "-10",
        heldSeconds: "100",
        openQty: "0",
        openCost: "0",
      }),
    ).toEqual({ winRatePct: "66.67", profitFactor: "1.5", averageHoldSeconds: "33" });
  });

  test("max drawdown is the largest fall from a running peak", () => {
    expect(maxDrawdown([])).toEqual({ abs: "0", pct: "0" });
    expect(maxDrawdown(["100", "120", "90", "130", "117"])).toEqual({ abs: "30", pct: "25" });
  });
});
