import { describe, expect, test } from "bun:test";
import { CHANGES_CHANNEL } from "../../../src/db/changes";
import { createPaperExchange } from "../../../src/exchanges/paper/client";
import type { ExchangeClient } from "../../../src/exchanges/types";
import { createLogger } from "../../../src/lib/logger";
import { runExchangeSyncCycle } from "../../../src/services/exchange-sync";
import { importOrderHistory } from "../../../src/services/exchange-sync/history";
import { createTestDatabase } from "../../helpers/cluster";

const log = createLogger({ level: "error", write: () => {} });
const START = Date.parse("2026-06-01T00:00:00Z");

async function setup(historyOrders: number) {
  const database = await createTestDatabase(4);
  let now = START;
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const exchange = await createPaperExchange({
    sql: database.sql,
    seed: "sync-test",
    feeRate: "0.001",
    slippageRate: "0",
    startBalances: { USDT: "10000", BTC: "0.5" },
    historyOrders,
    now: clock.now,
  });
  return { database, exchange, clock };
}

/** Every paper order appears in the mirror exactly once, with the paper exchange's status. */
async function expectMirrorMatchesExchange(sql: Awaited<ReturnType<typeof setup>>["database"]["sql"]) {
  const [row] = await sql<{ paper: number; mirrored: number; distinct_ids: number; mismatched: number }[]>`
    select (select count(*)::int from paper_orders) as paper,
           (select count(*)::int from exchange_orders) as mirrored,
           (select count(distinct exchange_order_id)::int from exchange_orders) as distinct_ids,
           (select count(*)::int from paper_orders p left join exchange_orders e on e.exchange_order_id = p.order_id
              where e.id is null or e.status <> p.status) as mismatched`;
  expect(row?.mirrored).toBe(row?.paper ?? -1);
  expect(row?.distinct_ids).toBe(row?.paper ?? -1);
  expect(row?.mismatched).toBe(0);
}

describe("exchange_sync against the paper exchange", () => {
  test("a 10 000-order history is stored exactly once; a second run changes nothing", async () => {
    const { database, exchange } = await setup(10_000);
    try {
      const first = await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 500 });
      expect(first.history_fetched).toBe(10_000);
      await expectMirrorMatchesExchange(database.sql);
      const [before] = await database.sql<{ max: string }[]>`select max(updated_at)::text as max from exchange_orders`;

      const second = await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 500 });
      expect(second.history_changed).toBe(0);
      expect(second.open_orders).toBe(0);
      const [after] = await database.sql<{ max: string }[]>`select max(updated_at)::text as max from exchange_orders`;
      expect(after?.max).toBe(before?.max ?? "");
      await expectMirrorMatchesExchange(database.sql);
    } finally {
      await exchange.close();
      await database.close();
    }
  });

  test("a crash mid-history resumes from the persisted cursor with nothing lost or doubled", async () => {
    const { database, exchange } = await setup(2_000);
    let calls = 0;
    const crashing: ExchangeClient = Object.create(exchange, {
      fetchOrderHistory: {
        value: (cursor: string | null, limit: number) => {
          calls++;
          if (calls === 4) throw new Error("worker killed");
          return exchange.fetchOrderHistory(cursor, limit);
        },
      },
    });
    try {
      const options = { service: "exchange_sync", pageSize: 100 };
      await expect(importOrderHistory(database.sql, crashing, options)).rejects.toThrow("worker killed");
      const [partial] = await database.sql<{ n: number }[]>`select count(*)::int as n from exchange_orders`;
      expect(partial?.n).toBe(300);

      const resumed = await importOrderHistory(database.sql, exchange, options);
      expect(resumed.fetched).toBe(1_700);
      await expectMirrorMatchesExchange(database.sql);
      const [state] = await database.sql<{ imported: string }[]>`
        select counters ->> 'orders_imported' as imported from service_state where service = 'exchange_sync'`;
      // Counted per committed page: the 300 before the crash and the 1 700 after, each once.
      expect(Number(state?.imported)).toBe(2_000);
    } finally {
      await exchange.close();
      await database.close();
    }
  });

  test("a stop request ends the import at a page boundary and the next run continues", async () => {
    const { database, exchange } = await setup(1_000);
    try {
      let pages = 0;
      const stopped = await importOrderHistory(database.sql, exchange, {
        service: "exchange_sync",
        pageSize: 100,
        stopping: () => ++pages >= 2,
      });
      expect(stopped.fetched).toBe(200);
      const rest = await importOrderHistory(database.sql, exchange, { service: "exchange_sync", pageSize: 100 });
      expect(rest.fetched).toBe(800);
      await expectMirrorMatchesExchange(database.sql);
    } finally {
      await exchange.close();
      await database.close();
    }
  });

  test("a long import logs its progress (orders so far, orders/s) every few seconds", async () => {
    const { database, exchange } = await setup(1_000);
    const lines: { msg: string; orders: number; pages: number; orders_per_s: number }[] = [];
    const progress = createLogger({ level: "info", format: "json", write: (line) => lines.push(JSON.parse(line)) });
    let clock = 0;
    try {
      // Each page takes 1 s of this clock: progress every 3 s is a line every third page.
      await importOrderHistory(database.sql, exchange, {
        service: "exchange_sync",
        pageSize: 100,
        log: progress,
        now: () => (clock += 1000),
      });
      const reports = lines.filter((l) => l.msg === "importing order history");
      expect(reports.map((r) => r.orders)).toEqual([300, 600, 900]);
      expect(reports[0]?.orders_per_s).toBe(100);
    } finally {
      await exchange.close();
      await database.close();
    }
  });

  test("an order that fills between two syncs ends FILLED, not CANCELLED", async () => {
    const { database, exchange, clock } = await setup(0);
    try {
      const [ticker] = await exchange.fetchTickers(["BTC_USDT"]);
      const limit = (Number(ticker?.last) * 0.999).toFixed(2);
      const order = await exchange.createOrder({
        symbol: "BTC_USDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.01",
        price: limit,
        clientOid: "fill-between-syncs",
      });
      await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });
      const [resting] = await database.sql<{ status: string }[]>`
        select status from exchange_orders where exchange_order_id = ${order.exchangeOrderId}`;
      expect(resting?.status).toBe("ACTIVE");

      // Move time on until the paper market crosses the limit and fills the order completely.
      let state = await exchange.fetchOrder(order.exchangeOrderId, "BTC_USDT");
      for (let i = 0; i < 2000 && state.status !== "FILLED"; i++) {
        clock.advance(60_000);
        state = await exchange.fetchOrder(order.exchangeOrderId, "BTC_USDT");
      }
      expect(state.status).toBe("FILLED");
      expect((await exchange.fetchOpenOrders()).map((o) => o.exchangeOrderId)).not.toContain(order.exchangeOrderId);

      await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });
      const [final] = await database.sql<{ status: string; cumulative_quantity: string; client_oid: string }[]>`
        select status, cumulative_quantity::text, client_oid from exchange_orders
        where exchange_order_id = ${order.exchangeOrderId}`;
      expect(final).toEqual({ status: "FILLED", cumulative_quantity: "0.01", client_oid: "fill-between-syncs" });
    } finally {
      await exchange.close();
      await database.close();
    }
  });

  test("resting orders the mirror holds as reported are not written again; a change is", async () => {
    const { database, exchange, clock } = await setup(0);
    const topics: string[] = [];
    const listener = await database.sql.listen(CHANGES_CHANNEL, (topic) => topics.push(topic));
    try {
      const [ticker] = await exchange.fetchTickers(["BTC_USDT"]);
      const price = (Number(ticker?.last) * 0.5).toFixed(2);
      const placed = [];
      for (let i = 0; i < 3; i++) {
        placed.push(
          await exchange.createOrder({
            symbol: "BTC_USDT",
            side: "BUY",
            type: "LIMIT",
            quantity: "0.001",
            price,
            clientOid: `resting-${i}`,
          }),
        );
      }
      const first = await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });
      expect(first.open_orders).toBe(3);
      const versions = () =>
        database.sql<{ id: string; xmin: string; status: string }[]>`
          select exchange_order_id as id, xmin::text as xmin, status from exchange_orders order by id`;
      const before = await versions();

      clock.advance(5_000);
      topics.length = 0;
      const idle = await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });
      expect(idle.open_orders).toBe(0);
      expect(await versions()).toEqual(before);

      const cancelled = placed[1]?.exchangeOrderId ?? "";
      await exchange.cancelOrder(cancelled, "BTC_USDT");
      clock.advance(5_000);
      const next = await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });
      expect(next.open_orders).toBe(1);
      const after = await versions();
      expect(after.filter((row) => row.id !== cancelled)).toEqual(before.filter((row) => row.id !== cancelled));
      expect(after.find((row) => row.id === cancelled)?.status).toBe("CANCELLED");
      for (let i = 0; i < 50 && !topics.includes("orders"); i++) await Bun.sleep(10);
      expect(topics.filter((topic) => topic === "orders")).toHaveLength(1);
    } finally {
      await listener.unlisten();
      await exchange.close();
      await database.close();
    }
  });

  test("balances are mirrored, vanished assets go to zero, loans are netted, changes are announced", async () => {
    const { database, exchange } = await setup(0);
    const topics: string[] = [];
    const listener = await database.sql.listen(CHANGES_CHANNEL, (topic) => topics.push(topic));
    try {
      await database.sql`insert into exchange_balances (asset, free, locked, total) values ('DOGE', 5, 0, 5)`;
      await database.sql`
        insert into portfolio_loans (currency, borrowed_amount, borrowed_usd, is_active) values ('USDT', 1000, 1000, true)`;
      const result = await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });

      const balances = await database.sql<{ asset: string; total: string; usd_value: string | null }[]>`
        select asset, total::text, usd_value::text from exchange_balances order by asset`;
      expect(balances.map((b) => [b.asset, b.total])).toEqual([
        ["BTC", "0.5"],
        ["DOGE", "0"],
        ["USDT", "10000"],
      ]);
      const [btc] = await exchange.fetchTickers(["BTC_USDT"]);
      const btcUsd = (Number(btc?.last) * 0.5).toFixed(2);
      expect(Number(balances[0]?.usd_value).toFixed(2)).toBe(btcUsd);

      const [snapshot] = await database.sql<{ assets: string; borrowed: string; net: string }[]>`
        select total_assets_usd::text as assets, total_borrowed_usd::text as borrowed, net_usd::text as net
        from portfolio_snapshots order by taken_at desc limit 1`;
      expect(Number(snapshot?.borrowed)).toBe(1000);
      expect(Number(snapshot?.net)).toBeCloseTo(Number(snapshot?.assets) - 1000, 6);
      expect(result.net_usd).toBe(snapshot?.net ?? "");

      for (let i = 0; i < 50 && !topics.includes("portfolio"); i++) await Bun.sleep(10);
      expect(topics).toEqual(expect.arrayContaining(["balances", "portfolio"]));

      // Nothing changed on the exchange (same clock): nothing is announced for balances or orders.
      topics.length = 0;
      await runExchangeSyncCycle({ sql: database.sql, exchange, log, pageSize: 50 });
      await Bun.sleep(50);
      expect(topics).not.toContain("balances");
      expect(topics).not.toContain("orders");
    } finally {
      await listener.unlisten();
      await exchange.close();
      await database.close();
    }
  });
});
