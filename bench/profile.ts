/** The benchmark's parameters: the full run (SPEC §9's conditions) or the quick smoke run, from the command line. */
import { parseArgs } from "node:util";
import type { Scale } from "./generate";

export interface Profile {
  quick: boolean;
  scale: Scale;
  /** Orders of the paper exchange's pre-made history, imported by exchange_sync during the storm. */
  historyOrders: number;
  syncPageSize: number;
  /** Connections and length of the closed-loop throughput runs. */
  throughput: { connections: number; seconds: number };
  /** Total rate, connections and length of the fixed-rate latency runs. */
  rate: { perSecond: number; connections: number; seconds: number };
  /** The replaced system's own `ab` runs on the dashboard. */
  original: { requests: number; connections: number }[];
  /** Longest the storm may last before it is cut (the import's target is 10 s). */
  stormMaxSeconds: number;
  /** Unrecorded load on each fresh app process before its first measurement. */
  warmUpSeconds: number;
  /** `--growth`: only the growth run (cold build and import per size), at these order counts. */
  growth: number[] | null;
}

export const USAGE = `usage: npm run bench [-- --quick] [-- --orders N --signals N --history N]

  --quick        smoke run: tiny scale, about a second per scenario; checks validity, not speed
  --orders N     generated exchange orders (default 1000000; quick 2000)
  --signals N    generated trade signals (default 100000; quick 200)
  --history N    paper exchange history imported during the sync storm (default 100000; quick 2000)
  --growth       only the growth run: cold build and import per size (see --sizes)
  --sizes A,B,C  order counts of the growth run (default 100000,1000000,10000000; quick 2000,20000)

DATABASE_URL: use that server (the run creates and drops its own database) instead of an embedded one.`;

/** Parses the command line into a Profile; throws with USAGE on bad arguments. */
export function parseProfile(argv: string[]): Profile {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      orders: { type: "string" },
      signals: { type: "string" },
      history: { type: "string" },
      growth: { type: "boolean", default: false },
      sizes: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const count = (value: string | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 50_000_000)
      throw new Error(`--${name} must be a whole number ≥ 1\n${USAGE}`);
    return n;
  };
  const orders = count(values.orders, quick ? 2000 : 1_000_000, "orders");
  const signals = count(values.signals, quick ? 200 : 100_000, "signals");
  const historyOrders = count(values.history, quick ? 2000 : 100_000, "history");
  return {
    quick,
    scale: { orders, signals, watchlist: 50, snapshots: quick ? 200 : 20_000, openOrders: quick ? 20 : 200 },
    historyOrders,
    // The largest page the app accepts: the import runs "as fast as it can" (SPEC §9).
    syncPageSize: 1000,
    throughput: { connections: 50, seconds: quick ? 1 : 10 },
    rate: quick ? { perSecond: 50, connections: 5, seconds: 1 } : { perSecond: 200, connections: 10, seconds: 10 },
    original: [
      { requests: 100, connections: 10 },
      { requests: 1000, connections: 50 },
    ],
    stormMaxSeconds: quick ? 20 : 60,
    warmUpSeconds: quick ? 0.5 : 2,
    growth: values.growth
      ? (values.sizes ?? (quick ? "2000,20000" : "100000,1000000,10000000"))
          .split(",")
          .map((v) => count(v.trim(), 0, "sizes"))
      : null,
  };
}
