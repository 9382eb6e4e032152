import { describe, expect, test } from "bun:test";
import type { Database } from "../../src/db/client";
import { writeLiveTrading } from "../../src/db/queries/settings";
import { claimPendingSignals } from "../../src/db/queries/signal-orders";
import { AuthenticationError, TemporaryExchangeError } from "../../src/domain/exchange-errors";
import type { CreateOrderRequest, ExchangeClient } from "../../src/exchanges/types";
import { runSignalMonitorCycle } from "../../src/services/signal-monitor";
import { simulateSignal } from "../../src/services/signals";
import { claimLeaseMs, runTradingSchedulerCycle, signalClientOid } from "../../src/services/trading-scheduler";
import { addWatchlistItem } from "../../src/services/watchlist";
import { testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import {
  buyCandles,
  capturingLogger,
  override,
  quietCandles,
  recordingNotifier,
  testPaperExchange,
} from "../helpers/trading";

/** A fresh database with a paper exchange and the deps of both cycles; `run` cleans up after the test body. */
async function withWorld(
  env: Record<string, string>,
  body: (world: Awaited<ReturnType<typeof makeWorld>>) => Promise<void>,
): Promise<void> {
  const world = await makeWorld(env);
  try {
    await body(world);
  } finally {
    await world.paper.close();
    await world.database.close();
  }
}

async function makeWorld(env: Record<string, string>) {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const config = testConfig({ DAILY_SUMMARY_TIME: "23:59", ...env });
  const { log, logs } = capturingLogger();
  const notifier = recordingNotifier();
  let candles = buyCandles();
  const feed = override(paper, { fetchCandles: async () => candles });
  const scheduler = (
    clients: { exchange: ExchangeClient; paperExchange: ExchangeClient } = { exchange: paper, paperExchange: paper },
    now?: () => Date,
  ) => runTradingSchedulerCycle({ database, clients, log, notifier, config, now });
  return {
    database,
    paper,
    config,
    logs,
    notifier,
    setCandles: (c: typeof candles) => {
      candles = c;
    },
    monitor: () => runSignalMonitorCycle({ database, exchange: feed, log, notifier, config }),
    scheduler,
    signal: (id: number) => signalRow(database, id),
  };
}

async function signalRow(database: Database, id: number) {
  const [row] = await database.sql<
    { status: string; status_reason: string | null; exchange_order_id: string | null }[]
  >`
    select status, status_reason, exchange_order_id from trade_signals where id = ${id}`;
  return row;
}

async function counts(database: Database, clientOid: string) {
  const [row] = await database.sql<{ paper: number; mirror: number }[]>`
    select (select count(*)::int from paper_orders where client_oid = ${clientOid}) as paper,
      (select count(*)::int from exchange_orders where client_oid = ${clientOid}) as mirror`;
  return row;
}

const simulated = (
  database: Database,
  input: Partial<Parameters<typeof simulateSignal>[1]> = {},
  createdAt = new Date(),
) =>
  simulateSignal(
    database,
    {
      symbol: "BTC_USDT",
      side: "BUY",
      price: "60000",
      shouldTrade: true,
      tradeAmountUsd: "100",
      reason: "test",
      ...input,
    },
    createdAt,
  );

describe("signal monitor → trading scheduler", () => {
  test("a BUY crossing produces exactly one signal and exactly one paper order", async () => {
    await withWorld({}, async (w) => {
      await addWatchlistItem(w.database, "BTC_USDT", { alertEnabled: true, tradeEnabled: true, tradeAmountUsd: "100" });

      expect(await w.monitor()).toEqual({ symbols: 1, signals: 1, blocked: 0, failed: 0 });
      const [market] = await w.database.sql`select price, rsi, ma50, ema10, ma200, atr, volume_ratio from market_data`;
      expect(Number(market?.rsi)).toBeLessThan(40);
      expect(Number(market?.ma50)).toBeGreaterThan(Number(market?.ema10));
      expect(market?.ma200).not.toBeNull();
      // The same candles again: throttled by the cooldown.
      expect(await w.monitor()).toMatchObject({ signals: 0, blocked: 1 });

      const signals = await w.database.sql<
        { id: string; side: string; should_trade: boolean; trade_amount_usd: string; reason: string }[]
      >`
        select id, side, should_trade, trade_amount_usd, reason from trade_signals`;
      expect(signals).toHaveLength(1);
      const signal = signals[0];
      expect(signal).toMatchObject({ side: "BUY", should_trade: true, trade_amount_usd: "100" });
      expect(signal?.reason).toMatch(/^swing-conservative: rsi \d+(\.\d+)? < 40, ma50 .* > ema10 /);
      const id = Number(signal?.id);

      expect(await w.scheduler()).toMatchObject({ placed: 1, skipped: 0, failed: 0 });
      expect(await w.scheduler()).toMatchObject({ placed: 0, settled: 1 });
      expect(await counts(w.database, signalClientOid(id))).toEqual({ paper: 1, mirror: 1 });
      const [order] = await w.database.sql`select trade_signal_id, status, side from exchange_orders`;
      expect(order).toEqual({ trade_signal_id: String(id), status: "FILLED", side: "BUY" });
      expect(await w.signal(id)).toMatchObject({ status: "filled" });
      expect(w.notifier.sent.map((n) => n.event)).toEqual(["signal", "order"]);
    });
  });

  test("no signal while the indicators stay between the thresholds; alerts off is evaluated, never signalled", async () => {
    await withWorld({}, async (w) => {
      w.setCandles(quietCandles());
      await addWatchlistItem(w.database, "BTC_USDT", { alertEnabled: true });
      await addWatchlistItem(w.database, "ETH_USDT", { alertEnabled: false });
      expect(await w.monitor()).toEqual({ symbols: 2, signals: 0, blocked: 0, failed: 0 });
      expect((await w.database.sql`select symbol from market_data order by symbol`).map((r) => r.symbol)).toEqual([
        "BTC_USDT",
        "ETH_USDT",
      ]);
    });
  });

  test("signals without trading enabled are recorded with should_trade false and never traded", async () => {
    await withWorld({}, async (w) => {
      await addWatchlistItem(w.database, "BTC_USDT", { alertEnabled: true, tradeAmountUsd: "100" });
      expect((await w.monitor()).signals).toBe(1);
      expect(await w.scheduler()).toMatchObject({ placed: 0, skipped: 0 });
      const [row] = await w.database.sql`select should_trade, status from trade_signals`;
      expect(row).toEqual({ should_trade: false, status: "pending" });
    });
  });

  test("a scheduler restarted between placing and recording does not place a second order", async () => {
    await withWorld({}, async (w) => {
      const { id } = await simulated(w.database);
      // The first run reaches the exchange, then dies before recording anything.
      const crashing = override(w.paper, {
        createOrder: async (request: CreateOrderRequest) => {
          await w.paper.createOrder(request);
          throw new Error("process died after placing");
        },
      });
      await expect(w.scheduler({ exchange: crashing, paperExchange: crashing })).rejects.toThrow("process died");
      expect(await w.signal(id)).toMatchObject({ status: "pending", status_reason: "placing:paper" });
      expect(await counts(w.database, signalClientOid(id))).toEqual({ paper: 1, mirror: 0 });

      // A restart while the claim's lease runs leaves the signal alone.
      expect(await w.scheduler()).toMatchObject({ placed: 0 });
      // After the lease, the retry gets the existing order back from the exchange and records it.
      const afterLease = () => new Date(Date.now() + claimLeaseMs(w.config) + 1000);
      expect(await w.scheduler(undefined, afterLease)).toMatchObject({ placed: 1 });
      expect(await counts(w.database, signalClientOid(id))).toEqual({ paper: 1, mirror: 1 });
      expect(await w.signal(id)).toMatchObject({ status: "order_placed" });
    });
  });

  test("an order already on the exchange for a fresh pending signal is recorded, not repeated", async () => {
    await withWorld({}, async (w) => {
      const { id } = await simulated(w.database);
      await w.paper.createOrder({
        symbol: "BTC_USDT",
        side: "BUY",
        type: "MARKET",
        notional: "100",
        clientOid: signalClientOid(id),
      });
      expect(await w.scheduler()).toMatchObject({ placed: 1 });
      expect(await counts(w.database, signalClientOid(id))).toEqual({ paper: 1, mirror: 1 });
    });
  });

  test("temporary exchange trouble defers the signal; it is placed once after the lease", async () => {
    await withWorld({}, async (w) => {
      const { id } = await simulated(w.database);
      const down = override(w.paper, {
        createOrder: async () => {
          throw new TemporaryExchangeError("503 from the exchange");
        },
      });
      expect(await w.scheduler({ exchange: down, paperExchange: down })).toMatchObject({ retry: 1 });
      expect(await w.signal(id)).toMatchObject({ status: "pending", status_reason: "placing:paper" });
      const afterLease = () => new Date(Date.now() + claimLeaseMs(w.config) + 1000);
      expect(await w.scheduler(undefined, afterLease)).toMatchObject({ placed: 1 });
      expect(await counts(w.database, signalClientOid(id))).toEqual({ paper: 1, mirror: 1 });
    });
  });

  test("bad exchange credentials stop the cycle and leave the signal to retry", async () => {
    await withWorld({}, async (w) => {
      const { id } = await simulated(w.database);
      const refused = override(w.paper, {
        createOrder: async () => {
          throw new AuthenticationError("invalid key");
        },
      });
      await expect(w.scheduler({ exchange: refused, paperExchange: refused })).rejects.toThrow("invalid key");
      expect(await w.signal(id)).toMatchObject({ status: "pending" });
    });
  });

  test("claims skip rows another transaction holds (FOR UPDATE SKIP LOCKED)", async () => {
    await withWorld({}, async (w) => {
      const held = await simulated(w.database, { symbol: "BTC_USDT" });
      const free = await simulated(w.database, { symbol: "ETH_USDT" });
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = w.database.sql.begin(async (tx) => {
        await tx`select id from trade_signals where id = ${held.id} for update`;
        locked();
        await released;
      });
      await isLocked;
      const claimed = await claimPendingSignals(w.database.sql, { now: new Date(), leaseMs: 30_000, limit: 10 });
      release();
      await holder;
      expect(claimed.map((s) => s.id)).toEqual([free.id]);
    });
  });
});

describe("guards skip with a stated reason", () => {
  const cases: [string, Record<string, string>, (db: Database) => Promise<{ id: number }>, string, RegExp][] = [
    [
      "max open positions",
      { MAX_OPEN_POSITIONS: "1" },
      async (db) => {
        const open = await simulated(db, { symbol: "ETH_USDT" });
        await db.sql`update trade_signals set status = 'order_placed' where id = ${open.id}`;
        return simulated(db);
      },
      "skipped",
      /^max open positions reached \(1\/1\)$/,
    ],
    [
      "per-symbol cooldown",
      {},
      async (db) => {
        await addWatchlistItem(db, "BTC_USDT", { cooldownSeconds: 600 });
        const earlier = await simulated(db);
        await db.sql`update trade_signals set status = 'closed' where id = ${earlier.id}`;
        await db.sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
          exchange_create_time, exchange_update_time, trade_signal_id)
          values ('earlier', 'BTC_USDT', 'BUY', 'MARKET', 'FILLED', 1, now() - interval '10 seconds', now(), ${earlier.id})`;
        return simulated(db);
      },
      "skipped",
      /^cooldown: last order on BTC_USDT 1\d s ago, cooldown 600 s$/,
    ],
    [
      "quote balance below 1.1 × amount",
      {},
      (db) => simulated(db, { tradeAmountUsd: "9500" }),
      "skipped",
      /^insufficient USDT: 10000 free, 10450 needed/,
    ],
    ["amount zero", {}, (db) => simulated(db, { tradeAmountUsd: "0" }), "skipped", /^trade amount is not above zero$/],
    [
      "stale signal",
      { SIGNAL_MAX_AGE_S: "60" },
      (db) => simulated(db, {}, new Date(Date.now() - 120_000)),
      "skipped",
      /^signal is 1[12]\d s old, older than 60 s$/,
    ],
    [
      "quote not a USD stablecoin",
      {},
      (db) => simulated(db, { symbol: "ETH_BTC" }),
      "skipped",
      /^quote BTC is not a USD stablecoin/,
    ],
    [
      "SELL with nothing held",
      {},
      (db) => simulated(db, { symbol: "SOL_USDT", side: "SELL", price: "150" }),
      "skipped",
      /^no SOL to sell \(0 free\)$/,
    ],
    [
      "exchange refuses the order",
      {},
      (db) => simulated(db, { tradeAmountUsd: "0.5" }),
      "failed",
      /^InvalidOrderError: .*order value below 1/,
    ],
  ];
  test.each(cases)("%s", async (_name, env, arrange, status, reason) => {
    await withWorld(env, async (w) => {
      const { id } = await arrange(w.database);
      const summary = await w.scheduler();
      expect(summary[status as "skipped" | "failed"]).toBe(1);
      expect(summary.placed).toBe(0);
      const row = await w.signal(id);
      expect(row?.status).toBe(status);
      expect(row?.status_reason).toMatch(reason);
      expect(await counts(w.database, signalClientOid(id))).toEqual({ paper: 0, mirror: 0 });
    });
  });

  test("a SELL sells the amount's worth of what is held and closes the symbol's open BUY positions", async () => {
    await withWorld({}, async (w) => {
      const buy = await simulated(w.database);
      await w.database.sql`update trade_signals set status = 'filled' where id = ${buy.id}`;
      const sell = await simulated(w.database, { side: "SELL", price: "60000" });
      expect(await w.scheduler()).toMatchObject({ placed: 1 });
      const [order] = await w.database
        .sql`select side, quantity from exchange_orders where trade_signal_id = ${sell.id}`;
      expect(order).toEqual({ side: "SELL", quantity: "0.00166" });
      expect(await w.signal(buy.id)).toMatchObject({
        status: "closed",
        status_reason: `closed by SELL signal ${sell.id}`,
      });
    });
  });
});

describe("paper unless live_trading is on and the exchange is live, read for every order", () => {
  test("live_trading on with the paper exchange places paper orders and says so", async () => {
    await withWorld({}, async (w) => {
      await writeLiveTrading(w.database.sql, true);
      const { id } = await simulated(w.database);
      expect(await w.scheduler()).toMatchObject({ placed: 1 });
      expect((await w.signal(id))?.status_reason).toBe(
        "live_trading is on but the exchange is not live: orders go to the paper exchange",
      );
      expect(w.logs.find((l) => l.msg === "signal order placed")).toMatchObject({ mode: "DRY_RUN" });
    });
  });

  test("with a live exchange, the switch decides per order without a restart", async () => {
    await withWorld({}, async (w) => {
      const liveCalls: CreateOrderRequest[] = [];
      const live = override(w.paper, {
        name: "fake-live",
        live: true,
        createOrder: (request: CreateOrderRequest) => {
          liveCalls.push(request);
          return w.paper.createOrder(request);
        },
      });
      const clients = { exchange: live, paperExchange: w.paper };
      await simulated(w.database, { symbol: "BTC_USDT" });
      expect(await w.scheduler(clients)).toMatchObject({ placed: 1 });
      expect(liveCalls).toHaveLength(0);

      await writeLiveTrading(w.database.sql, true);
      const second = await simulated(w.database, { symbol: "ETH_USDT", price: "3000" });
      expect(await w.scheduler(clients)).toMatchObject({ placed: 1 });
      expect(liveCalls.map((r) => r.clientOid)).toEqual([signalClientOid(second.id)]);
      expect(await w.signal(second.id)).toMatchObject({ status: "order_placed", status_reason: null });
    });
  });
});
