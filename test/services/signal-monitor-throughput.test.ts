import { afterAll, describe, expect, test } from "bun:test";
import { runSignalMonitorCycle } from "../../src/services/signal-monitor";
import { testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { capturingLogger, override, quietCandles, recordingNotifier, testPaperExchange } from "../helpers/trading";

/** A candle call that takes as long as a round trip to an exchange would. */
const EXCHANGE_LATENCY_MS = 25;

describe("signal_monitor with 200 symbols", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  afterAll(async () => {
    await paper.close();
    await database.close();
  });
  await database.sql`insert into watchlist_items (symbol, alert_enabled)
    select 'C' || i || '_USDT', i % 2 = 0 from generate_series(1, 200) i`;

  test("every item is evaluated within one interval, never more candle calls at once than the concurrency", async () => {
    const config = testConfig({ SIGNAL_MONITOR_CONCURRENCY: "8" });
    let inFlight = 0;
    let maxInFlight = 0;
    const exchange = override(paper, {
      fetchCandles: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await Bun.sleep(EXCHANGE_LATENCY_MS);
        inFlight--;
        return quietCandles();
      },
    });
    const started = performance.now();
    const summary = await runSignalMonitorCycle({
      database,
      exchange,
      log: capturingLogger().log,
      notifier: recordingNotifier(),
      config,
    });
    const elapsedMs = performance.now() - started;
    console.log(`signal_monitor: 200 symbols, ${EXCHANGE_LATENCY_MS} ms per candle call, ${Math.round(elapsedMs)} ms`);
    expect(summary).toEqual({ symbols: 200, signals: 0, blocked: 0, failed: 0 });
    expect(maxInFlight).toBe(8);
    // One at a time would take at least 200 × 25 ms = 5 s; the default interval is 30 s.
    expect(elapsedMs).toBeLessThan(config.SIGNAL_MONITOR_INTERVAL_MS);
    const [row] =
      await database.sql`select count(*)::int as n, count(strategy_state)::int as with_state from market_data`;
    expect(row).toEqual({ n: 200, with_state: 200 });
  });
});
