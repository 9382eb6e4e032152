import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { createDatabase } from "../../src/db/client";
import { MIGRATIONS_DIR, runMigrations } from "../../src/db/migrate";
import { runSignalMonitorCycle } from "../../src/services/signal-monitor";
import { getWatchlistItem } from "../../src/services/watchlist";
import { testConfig } from "../helpers/app";
import { createTestDatabaseUrl } from "../helpers/cluster";
import {
  buyCandles,
  capturingLogger,
  override,
  recordingNotifier,
  sellCandles,
  testPaperExchange,
} from "../helpers/trading";

/** The migrations before presets existed: the journal cut just before `strategy_presets`. */
function migrationsBeforePresets(): string {
  const dir = mkdtempSync(join(tmpdir(), "atp-old-migrations-"));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith("_strategy_presets"));
  if (cut < 0) throw new Error("no strategy_presets migration");
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe("the presets migration keeps existing watchlist rows behaving as before", async () => {
  const url = await createTestDatabaseUrl({ empty: true });
  const oldDir = migrationsBeforePresets();
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await migrate(drizzle(admin), { migrationsFolder: oldDir });
  // The old fixture: rows as the code before presets wrote them (one switch for both sides, explicit throttle).
  await admin`insert into watchlist_items (symbol, alert_enabled, trade_enabled, trade_amount_usd, buy_target,
      min_price_change_pct, cooldown_seconds)
    values ('BTC_USDT', true, true, 100, null, 1, 300), ('ETH_USDT', false, false, null, null, 1, 300),
      ('SOL_USDT', true, false, null, 1, 2.5, 600)`;
  await admin.end();
  await runMigrations(url);
  const database = createDatabase({ url, max: 3, statementTimeoutMs: 10_000 });
  const paper = await testPaperExchange(database);
  afterAll(async () => {
    await paper.close();
    await database.close();
    rmSync(oldDir, { recursive: true, force: true });
  });
  const cycle = (candles: typeof buyCandles, at: Date) =>
    runSignalMonitorCycle({
      database,
      exchange: override(paper, { fetchCandles: async () => candles() }),
      log: capturingLogger().log,
      notifier: recordingNotifier(),
      config: testConfig(),
      now: () => at,
    });
  const signals = async () =>
    (await database.sql`select symbol, side, should_trade from trade_signals order by created_at, symbol`).map((r) => ({
      ...r,
    }));

  test("both sides follow the old switch; the preset is swing-conservative; the item's throttle is kept", async () => {
    const btc = await getWatchlistItem(database, "BTC_USDT");
    expect(btc).toMatchObject({ alert_enabled: true, buy_alert_enabled: true, sell_alert_enabled: true });
    expect(btc).toMatchObject({ preset: "swing-conservative", overrides: {} });
    expect((await getWatchlistItem(database, "ETH_USDT")).sell_alert_enabled).toBe(false);
    const sol = await getWatchlistItem(database, "SOL_USDT");
    expect(sol.rules).toMatchObject({ cooldown_seconds: 600, min_price_change_pct: "2.5", rsi_buy_below: 40 });
  });

  test("the same candles fire the same signals as the fixed rule did: BUY and SELL on alerted rows only", async () => {
    await cycle(buyCandles, new Date("2026-02-01T00:00:00Z"));
    // SOL_USDT's buy target of 1 is below the price: no BUY, exactly as before.
    expect(await signals()).toEqual([{ symbol: "BTC_USDT", side: "BUY", should_trade: true }]);
    await cycle(sellCandles, new Date("2026-02-01T01:00:00Z"));
    expect(await signals()).toEqual([
      { symbol: "BTC_USDT", side: "BUY", should_trade: true },
      { symbol: "BTC_USDT", side: "SELL", should_trade: true },
      { symbol: "SOL_USDT", side: "SELL", should_trade: false },
    ]);
    // ETH_USDT (alerts off) was evaluated but never signalled.
    const [eth] = await database.sql`select strategy_state from market_data where symbol = 'ETH_USDT'`;
    expect(eth?.strategy_state.sell).toEqual({ decision: "blocked", reasons: ["rsi 100 > 70", "sell alerts off"] });
  });
});
