import type { Database } from "../../src/db/client";
import { createPaperExchange } from "../../src/exchanges/paper/client";
import type { Candle, ExchangeClient } from "../../src/exchanges/types";
import { createLogger, type Logger } from "../../src/lib/logger";
import type { Notification, Notifier } from "../../src/services/notifier";
import type { CapturedLog } from "./app";

/** A paper exchange on the test database: 10 000 USDT and 0.5 BTC, no fee surprises. */
export function testPaperExchange(database: Database, startBalances = { USDT: "10000", BTC: "0.5" }) {
  return createPaperExchange({
    sql: database.sql,
    seed: "trading-tests",
    feeRate: "0.001",
    slippageRate: "0.0005",
    startBalances,
    historyOrders: 0,
  });
}

/** The same client with some methods replaced (a candle feed, a crash, a flag), everything else delegated. */
export function override(client: ExchangeClient, replaced: Partial<ExchangeClient>): ExchangeClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof ExchangeClient];
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Hourly candles: a long rise then a sharp fall, ending with RSI ≈ 9 < 40 and MA50 ≈ 189 > EMA10 ≈ 177. */
export function buyCandles(): Candle[] {
  return Array.from({ length: 220 }, (_, i) => {
    const close = i < 200 ? 100 + i * 0.5 : 200 - (i - 199) * 1.5;
    return { time: i * 3_600_000, open: close, high: close + 1, low: close - 1, close, volume: 100 + (i % 7) };
  });
}

/** Hourly candles going sideways: RSI near 50, no rule fires. */
export function quietCandles(): Candle[] {
  return Array.from({ length: 220 }, (_, i) => {
    const close = 100 + (i % 2);
    return { time: i * 3_600_000, open: close, high: close + 1, low: close - 1, close, volume: 100 };
  });
}

/** Hourly candles of a steady rise: RSI 100 > 70, a SELL. */
export function sellCandles(): Candle[] {
  return Array.from({ length: 220 }, (_, i) => {
    const close = 100 + i;
    return { time: i * 3_600_000, open: close, high: close + 1, low: close - 1, close, volume: 100 };
  });
}

/** A notifier that keeps what it was asked to send. */
export function recordingNotifier(): Notifier & { sent: Notification[] } {
  const sent: Notification[] = [];
  return { enabled: true, sent, notify: (n) => void sent.push(n), settle: async () => {} };
}

/** A logger whose lines are kept for assertions. */
export function capturingLogger(): { log: Logger; logs: CapturedLog } {
  const logs: CapturedLog = [];
  return { log: createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) }), logs };
}

/** Row count of a table. */
export async function countRows(database: Database, table: string): Promise<number> {
  const [row] = await database.sql<{ n: number }[]>`select count(*)::int as n from ${database.sql(table)}`;
  return row?.n ?? 0;
}
