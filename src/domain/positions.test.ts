import { describe, expect, test } from "bun:test";
import { Big } from "./money";
import {
  applyFills,
  exitReasonOf,
  normaliseFill,
  type PositionBook,
  type PositionFill,
  realisedPnl,
  summarisePosition,
} from "./positions";

const EMPTY: PositionBook = { lots: [], unmatchedQty: "0", otherFees: "0" };
const BTC = { base: "BTC", quote: "USDT" };

let seq = 0;
function fill(side: "BUY" | "SELL", quantity: string, price: string, over: Partial<PositionFill> = {}): PositionFill {
  seq++;
  return {
    orderId: `o-${seq}`,
    clientOid: null,
    side,
    quantity,
    value: new Big(quantity).times(price).toFixed(),
    fee: "0",
    feeCurrency: null,
    time: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    ...over,
  };
}

describe("applyFills (FIFO lots)", () => {
  const cases: {
    name: string;
    fills: PositionFill[];
    lots: { remaining: string; realised: string; closed: boolean }[];
    unmatched: string;
  }[] = [
    {
      name: "one buy, one full sell, quote fees on both sides",
      fills: [
        fill("BUY", "1", "100", { fee: "0.1", feeCurrency: "USDT" }),
        fill("SELL", "1", "110", { fee: "0.11", feeCurrency: "USDT" }),
      ],
      // 110 − 0.11 − 100 − 0.1
      lots: [{ remaining: "0", realised: "9.79", closed: true }],
      unmatched: "0",
    },
    {
      name: "a sell spans two lots oldest first; the second is left partly open",
      fills: [fill("BUY", "1", "100"), fill("BUY", "2", "130"), fill("SELL", "1.5", "120")],
      lots: [
        { remaining: "0", realised: "20", closed: true },
        { remaining: "1.5", realised: "-5", closed: false },
      ],
      unmatched: "0",
    },
    {
      name: "partial exits of one lot in thirds stay exact",
      fills: [
        fill("BUY", "3", "10", { fee: "0.1", feeCurrency: "USDT" }),
        fill("SELL", "1", "11"),
        fill("SELL", "1", "12"),
        fill("SELL", "1", "13"),
      ],
      // 36 − 30 − 0.1
      lots: [{ remaining: "0", realised: "5.9", closed: true }],
      unmatched: "0",
    },
    {
      name: "a sell with nothing held is unmatched and books no P&L",
      fills: [fill("SELL", "0.5", "100"), fill("BUY", "1", "100"), fill("SELL", "2", "100")],
      lots: [{ remaining: "0", realised: "0", closed: true }],
      unmatched: "1.5",
    },
    {
      name: "a fee in base on the buy reduces what is held; valued at the fill price",
      fills: [
        fill("BUY", "1", "100", { fee: "0.001", feeCurrency: "BTC" }),
        fill("SELL", "0.999", "100", { fee: "0.0999", feeCurrency: "USDT" }),
      ],
      // proceeds 99.9 − 0.0999; cost 99.9 + fee 0.1
      lots: [{ remaining: "0", realised: "-0.1999", closed: true }],
      unmatched: "0",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { book } = applyFills(EMPTY, c.fills, BTC);
      expect(
        book.lots.map((l) => ({
          remaining: l.remaining,
          realised: realisedPnl(l).toFixed(),
          closed: l.closedAt !== null,
        })),
      ).toEqual(c.lots);
      expect(book.unmatchedQty).toBe(c.unmatched);
    });
  }

  test("several fills of one BUY order grow one lot; dust below the step closes it", () => {
    const a = fill("BUY", "0.4", "100");
    const b = { ...fill("BUY", "0.6", "100"), orderId: a.orderId };
    const { book } = applyFills(EMPTY, [a, b, fill("SELL", "0.99", "100")], { ...BTC, dust: "0.02" });
    expect(book.lots).toHaveLength(1);
    expect(book.lots[0]).toMatchObject({ quantity: "1", remaining: "0.01", entryValue: "100" });
    expect(book.lots[0]?.closedAt).not.toBeNull();
  });

  test("exit reason from the closing SELL's client order id", () => {
    expect(["tp-1-0", "sl-1-0", "exit-BTC_USDT-x", "sig-4", "mine", null].map(exitReasonOf)).toEqual([
      "take_profit",
      "stop_loss",
      "force_exit",
      "signal",
      "manual",
      "manual",
    ]);
    const { book } = applyFills(EMPTY, [fill("BUY", "1", "1"), fill("SELL", "1", "2", { clientOid: "tp-9-0" })], BTC);
    expect(book.lots[0]?.exitReason).toBe("take_profit");
  });

  test("a fee in another asset is reported apart, not in P&L", () => {
    const { book } = applyFills(EMPTY, [fill("BUY", "1", "100", { fee: "3", feeCurrency: "CRO" })], BTC);
    expect(book.otherFees).toBe("3");
    expect(summarisePosition(book, "100")).toMatchObject({ openQty: "1", unrealised: "0", averageEntry: "100" });
  });
});

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("property: realised + unrealised = mark value + proceeds − cost − fees", () => {
  test("over 500 random fill sequences, exactly", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const rnd = random(seed);
      const decimal = (max: number, places: number) =>
        new Big(Math.floor(rnd() * max * 10 ** places) + 1).div(10 ** places);
      const fills: PositionFill[] = [];
      let held = new Big(0);
      const steps = 1 + Math.floor(rnd() * 25);
      for (let i = 0; i < steps; i++) {
        const price = decimal(70_000, 2);
        const feeInBase = rnd() < 0.5;
        const sell = held.gt(0) && rnd() < 0.45;
        const part = held.times(rnd()).round(8, Big.roundDown);
        const quantity = sell ? (rnd() < 0.3 || part.eq(0) ? held : part) : decimal(2, 6);
        const value = quantity.times(price);
        const fee = (feeInBase && !sell ? quantity : value).times("0.001").round(10);
        const f = fill(sell ? "SELL" : "BUY", quantity.toFixed(), price.toFixed(), {
          value: value.toFixed(),
          fee: fee.toFixed(),
          feeCurrency: feeInBase && !sell ? "BTC" : "USDT",
          // Several fills of one order now and then.
          ...(i > 0 && !sell && rnd() < 0.2 && fills.at(-1)?.side === "BUY" ? { orderId: fills.at(-1)?.orderId } : {}),
        });
        const n = normaliseFill(f, "BTC", "USDT");
        held = sell ? held.minus(n.quantity) : held.plus(n.quantity);
        fills.push(f);
      }
      const { book } = applyFills(EMPTY, fills, BTC);
      const mark = decimal(70_000, 2).toFixed();
      let proceeds = new Big(0);
      let cost = new Big(0);
      let fees = new Big(0);
      for (const f of fills) {
        const n = normaliseFill(f, "BTC", "USDT");
        if (f.side === "SELL") proceeds = proceeds.plus(n.value);
        else cost = cost.plus(n.value);
        fees = fees.plus(n.fee);
      }
      const summary = summarisePosition(book, mark);
      expect(book.unmatchedQty).toBe("0");
      expect(summary.openQty).toBe(held.toFixed());
      const left = new Big(summary.realised).plus(summary.unrealised ?? "0");
      const right = held.times(mark).plus(proceeds).minus(cost).minus(fees);
      if (!left.eq(right)) throw new Error(`seed ${seed}: ${left.toFixed()} ≠ ${right.toFixed()}`);
    }
  });
});
