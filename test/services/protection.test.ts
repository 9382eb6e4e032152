import { describe, expect, test } from "bun:test";
import { upsertExchangeOrders } from "../../src/db/queries/exchange-orders";
import { createPaperExchange } from "../../src/exchanges/paper/client";
import { pinPrice } from "../../src/exchanges/paper/store";
import { simulateSignal } from "../../src/services/signals";
import { runTradingSchedulerCycle } from "../../src/services/trading-scheduler";
import { addWatchlistItem } from "../../src/services/watchlist";
import { API_TOKEN, createTestApp, testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { capturingLogger, recordingNotifier } from "../helpers/trading";

/** A database, a paper exchange honouring pinned prices, the trading scheduler's cycle and the HTTP app. */
async function world() {
  const database = await createTestDatabase();
  const paper = await createPaperExchange({
    sql: database.sql,
    seed: "protection",
    feeRate: "0.001",
    slippageRate: "0",
    startBalances: { USDT: "10000" },
    historyOrders: 0,
    pinnedPrices: true,
  });
  const config = testConfig({ DAILY_SUMMARY_TIME: "23:59" });
  const { log, logs } = capturingLogger();
  const notifier = recordingNotifier();
  const clients = { exchange: paper, paperExchange: paper };
  const app = createTestApp(database, { exchange: paper, env: { API_TOKEN } });
  const pin = async (price: string) => {
    await pinPrice(database.sql, "BTC_USDT", price, Date.now());
    await Bun.sleep(2);
  };
  return {
    database,
    app,
    logs,
    pin,
    notifier,
    cycle: () => runTradingSchedulerCycle({ database, clients, log, notifier, config }),
    rows: async () => [
      ...(await database.sql<
        { kind: string; state: string; quantity: string; trigger_price: string; limit_price: string }[]
      >`
        select kind, state, quantity::text, trigger_price::text, limit_price::text, client_oid
        from protection_orders order by id`),
    ],
    paperOrders: async (prefix: string) => [
      ...(await database.sql<{ client_oid: string; status: string; order_type: string }[]>`
        select client_oid, status, order_type from paper_orders where client_oid like ${`${prefix}%`} order by seq`),
    ],
    close: async () => {
      app.close();
      await database.close();
    },
  };
}

async function enter(
  w: Awaited<ReturnType<typeof world>>,
  exits: { tpPrice?: string; slPrice?: string } = {},
  price = "50000",
) {
  await addWatchlistItem(w.database, "BTC_USDT", {
    tradeEnabled: true,
    tradeAmountUsd: "100",
    takeProfitPct: "5",
    stopLossPct: "3",
    ...exits,
  });
  await w.pin(price);
  await simulateSignal(
    w.database,
    {
      symbol: "BTC_USDT",
      side: "BUY",
      price,
      shouldTrade: true,
      tradeAmountUsd: "100",
      reason: "test",
    },
    new Date(),
  );
  const summary = await w.cycle();
  expect(summary.placed).toBe(1);
  expect(summary.protection?.placed).toBe(2);
  const [entry] = await w.database.sql<{ exchange_order_id: string }[]>`
    select exchange_order_id from exchange_orders where client_oid like 'sig-%'`;
  return entry?.exchange_order_id ?? "";
}

describe("protection: every entry gets a take-profit and a stop-loss, OCO-linked", () => {
  test("signal → entry fill → TP and SL → price past TP → TP fills, SL cancelled, exact realised P&L", async () => {
    const w = await world();
    try {
      const entry = await enter(w);
      // 100 USDT at 50 000 buys 0.002 BTC; the 0.1 % fee is taken in BTC: 0.001998 held, entry value 99.9, fee 0.1.
      expect(await w.rows()).toEqual([
        expect.objectContaining({ kind: "take_profit", state: "open", quantity: "0.001998", trigger_price: "52500" }),
        expect.objectContaining({ kind: "stop_loss", state: "open", trigger_price: "48500", limit_price: "48257.5" }),
      ]);
      expect((await w.paperOrders("tp-")).map((o) => o.client_oid)).toEqual([`tp-${entry}`]);
      await w.pin("52600");
      const summary = await w.cycle();
      expect(summary.protection).toMatchObject({ filled: 1, cancelled: 1, races: 0 });
      expect((await w.rows()).map((r) => r.state)).toEqual(["filled", "cancelled"]);
      expect((await w.paperOrders("sl-"))[0]?.status).toBe("CANCELLED");
      const { trades } = await json(await w.app.app.request("/api/trades"));
      // 0.001998 × 52 500 = 104.895, exit fee 0.104895: 104.895 − 0.104895 − 99.9 − 0.1.
      expect(trades).toEqual([
        expect.objectContaining({ quantity: "0.001998", realised_pnl: "4.790105", exit_reason: "take_profit" }),
      ]);
      expect((await w.cycle()).protection).toMatchObject({ placed: 0, filled: 0, cancelled: 0 });
    } finally {
      await w.close();
    }
  });

  test("an exit rounded to the step leaves dust: the trade is closed all the same, the position is gone", async () => {
    const w = await world();
    try {
      // 100 USDT at 50 025 buys 0.001999 BTC, the fee 0.000001999 BTC: 0.001997001 held, finer than the 0.000001 step.
      await enter(w, {}, "50025");
      expect((await w.rows())[0]).toMatchObject({ kind: "take_profit", quantity: "0.001997" });
      await w.pin("52600");
      expect((await w.cycle()).protection).toMatchObject({ filled: 1, cancelled: 1 });
      const { trades } = await json(await w.app.app.request("/api/trades"));
      expect(trades).toEqual([expect.objectContaining({ exit_reason: "take_profit" })]);
      expect((await json(await w.app.app.request("/api/positions"))).positions).toEqual([]);
      expect(await json(await w.app.app.request("/api/profit"))).toMatchObject({ trade_count: 1, open_positions: 0 });
      // The rest stays in the lot (held, never sold as a position), and nothing protects it.
      const [lot] = await w.database.sql<{ remaining: string }[]>`select remaining::text from position_lots`;
      expect(lot?.remaining).toBe("0.000000001");
      expect((await w.cycle()).protection).toMatchObject({ placed: 0 });
    } finally {
      await w.close();
    }
  });

  test("a force exit of a manual entry with a base-coin fee closes its trade (the dust is not a position)", async () => {
    const w = await world();
    try {
      await w.pin("50025");
      const headers = { Authorization: `Bearer ${API_TOKEN}`, "Content-Type": "application/json" };
      const buy = await w.app.app.request("/api/orders", {
        method: "POST",
        headers: { ...headers, "Idempotency-Key": "dust-entry" },
        body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "100" }),
      });
      expect(buy.status).toBe(201);
      await w.pin("51000");
      const exit = await w.app.app.request("/api/positions/BTC_USDT/exit", {
        method: "POST",
        headers: { Authorization: `Bearer ${API_TOKEN}`, "Idempotency-Key": "dust-exit" },
      });
      expect(exit.status).toBe(201);
      expect((await json(exit)).order).toMatchObject({ quantity: "0.001997", status: "FILLED" });
      const { trades } = await json(await w.app.app.request("/api/trades"));
      expect(trades).toEqual([expect.objectContaining({ exit_reason: "force_exit" })]);
      expect((await json(await w.app.app.request("/api/positions"))).positions).toEqual([]);
      expect(await json(await w.app.app.request("/api/profit"))).toMatchObject({ trade_count: 1, open_positions: 0 });
    } finally {
      await w.close();
    }
  });

  test("the same through the stop-loss: armed at its trigger, filled at its limit, the TP cancelled", async () => {
    const w = await world();
    try {
      await enter(w);
      await w.pin("48400");
      expect((await w.cycle()).protection).toMatchObject({ filled: 1, cancelled: 1 });
      expect((await w.rows()).map((r) => r.state)).toEqual(["cancelled", "filled"]);
      const { trades } = await json(await w.app.app.request("/api/trades"));
      // 0.001998 × 48 257.5 = 96.418485, fee 0.096418485: 96.418485 − 0.096418485 − 99.9 − 0.1.
      expect(trades).toEqual([expect.objectContaining({ realised_pnl: "-3.677933485", exit_reason: "stop_loss" })]);
    } finally {
      await w.close();
    }
  });

  test("a partially filled entry is protected for what filled, and re-protected as more fills", async () => {
    const w = await world();
    try {
      await addWatchlistItem(w.database, "BTC_USDT", { takeProfitPct: "5", stopLossPct: "3" });
      await w.database.sql`update paper_balances set free = 1 where asset = 'USDT'`;
      await w.database.sql`insert into paper_balances (asset, free, locked) values ('BTC', 0.01, 0)`;
      const report = (cumulative: string, at: string) =>
        upsertExchangeOrders(w.database.sql, "paper", [
          {
            exchangeOrderId: "entry-1",
            clientOid: "sig-999",
            symbol: "BTC_USDT",
            side: "BUY",
            type: "LIMIT",
            status: cumulative === "0.004" ? "FILLED" : "PARTIALLY_FILLED",
            price: "50000",
            quantity: "0.004",
            cumulativeQuantity: cumulative,
            cumulativeValue: String(Number(cumulative) * 50000),
            avgPrice: "50000",
            fee: "0",
            feeCurrency: "USDT",
            createTime: "2026-01-01T00:00:00.000Z",
            updateTime: at,
          },
        ]);
      await w.pin("50000");
      await report("0.001", "2026-01-01T00:00:01.000Z");
      expect((await w.cycle()).protection?.placed).toBe(2);
      expect((await w.rows()).map((r) => [r.kind, r.quantity])).toEqual([
        ["take_profit", "0.001"],
        ["stop_loss", "0.001"],
      ]);
      await report("0.003", "2026-01-01T00:00:02.000Z");
      expect((await w.cycle()).protection).toMatchObject({ placed: 2, replaced: 2 });
      const rows = await w.rows();
      expect(rows.filter((r) => r.state === "open").map((r) => [r.kind, r.quantity])).toEqual([
        ["take_profit", "0.003"],
        ["stop_loss", "0.003"],
      ]);
      expect(rows.filter((r) => r.state === "cancelled")).toHaveLength(2);
      expect((await w.paperOrders("tp-entry-1")).map((o) => [o.client_oid, o.status])).toEqual([
        ["tp-entry-1", "CANCELLED"],
        ["tp-entry-1-g1", "ACTIVE"],
      ]);
    } finally {
      await w.close();
    }
  });

  test("force exit twice with one Idempotency-Key: one SELL, protection cancelled, the trade closed as force_exit", async () => {
    const w = await world();
    try {
      const entry = await enter(w);
      await w.pin("51000");
      const exit = () =>
        w.app.app.request("/api/positions/BTC_USDT/exit", {
          method: "POST",
          headers: { Authorization: `Bearer ${API_TOKEN}`, "Idempotency-Key": "exit-test-1" },
        });
      const first = await exit();
      expect(first.status).toBe(201);
      const body = await json(first);
      expect(body.order).toMatchObject({ side: "SELL", order_type: "MARKET", quantity: "0.001998", status: "FILLED" });
      expect(body.cancelled_protection).toEqual([`tp-${entry}`, `sl-${entry}`]);
      const second = await exit();
      expect(second.status).toBe(200);
      expect((await json(second)).order.exchange_order_id).toBe(body.order.exchange_order_id);
      expect(await w.paperOrders("exit-")).toHaveLength(1);
      expect((await w.rows()).map((r) => r.state)).toEqual(["cancelled", "cancelled"]);
      const { trades } = await json(await w.app.app.request("/api/trades"));
      // 0.001998 × 51 000 = 101.898, fee 0.101898: 101.898 − 0.101898 − 99.9 − 0.1.
      expect(trades).toEqual([expect.objectContaining({ realised_pnl: "1.796102", exit_reason: "force_exit" })]);
      expect((await w.cycle()).protection).toMatchObject({ placed: 0 });
      const none = await w.app.app.request("/api/positions/BTC_USDT/exit", {
        method: "POST",
        headers: { Authorization: `Bearer ${API_TOKEN}`, "Idempotency-Key": "exit-test-2" },
      });
      expect(none.status).toBe(409);
      const unauthorised = await w.app.app.request("/api/positions/BTC_USDT/exit", {
        method: "POST",
        headers: { "Idempotency-Key": "exit-test-3" },
      });
      expect(unauthorised.status).toBe(401);
    } finally {
      await w.close();
    }
  });

  test("a protection order cancelled outside ATP is re-placed by the next cycle, as the next generation", async () => {
    const w = await world();
    try {
      const entry = await enter(w);
      const [tp] = await w.database.sql<{ order_id: string }[]>`
        select order_id from paper_orders where client_oid = ${`tp-${entry}`}`;
      // Cancelled behind ATP's back, on the paper account itself.
      await w.database.sql`update paper_orders set status = 'CANCELLED' where order_id = ${tp?.order_id ?? ""}`;
      expect((await w.cycle()).protection).toMatchObject({ vanished: 1, placed: 1 });
      expect((await w.paperOrders("tp-")).map((o) => [o.client_oid, o.status])).toEqual([
        [`tp-${entry}`, "CANCELLED"],
        [`tp-${entry}-g1`, "ACTIVE"],
      ]);
      expect((await w.rows()).map((r) => r.state)).toEqual(["vanished", "open", "open"]);
    } finally {
      await w.close();
    }
  });

  test("absolute tp_price and sl_price win over the percentages", async () => {
    const w = await world();
    try {
      await enter(w, { tpPrice: "51000", slPrice: "49000" });
      expect((await w.rows()).map((r) => [r.kind, r.trigger_price, r.limit_price])).toEqual([
        ["take_profit", "51000", "51000"],
        ["stop_loss", "49000", "48755"],
      ]);
    } finally {
      await w.close();
    }
  });

  test("both sides filled is a race: reported (log, notification, state race), the extra sale unmatched", async () => {
    const w = await world();
    try {
      const entry = await enter(w);
      // The exchange filled the take-profit and, in the same moment, the stop-loss too.
      await w.database.sql`update paper_orders set status = 'FILLED', filled_quantity = quantity,
          filled_value = quantity * price, updated_at = now()
        where client_oid in (${`tp-${entry}`}, ${`sl-${entry}`})`;
      expect((await w.cycle()).protection).toMatchObject({ filled: 2, races: 1, cancelled: 0 });
      expect((await w.rows()).map((r) => r.state)).toEqual(["race", "race"]);
      expect(w.logs.some((l) => l.msg === "protection race: both take-profit and stop-loss filled")).toBe(true);
      expect(w.notifier.sent.map((n) => n.event)).toContain("protection");
      const [book] = await w.database.sql`select unmatched_qty::text from position_books where symbol = 'BTC_USDT'`;
      expect(book?.unmatched_qty).toBe("0.001998");
    } finally {
      await w.close();
    }
  });
});
