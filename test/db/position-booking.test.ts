import { afterAll, describe, expect, test } from "bun:test";
import { upsertExchangeOrders } from "../../src/db/queries/exchange-orders";
import { backfillPositions } from "../../src/db/queries/position-backfill";
import type { ExchangeOrder } from "../../src/domain/orders";
import { createTestDatabase } from "../helpers/cluster";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

function order(id: string, over: Partial<ExchangeOrder> & Pick<ExchangeOrder, "side">): ExchangeOrder {
  return {
    exchangeOrderId: id,
    clientOid: null,
    symbol: "BTC_USDT",
    type: "MARKET",
    status: "FILLED",
    price: null,
    quantity: "1",
    cumulativeQuantity: "1",
    cumulativeValue: "100",
    avgPrice: "100",
    fee: "0",
    feeCurrency: "USDT",
    createTime: at(0),
    updateTime: at(0),
    ...over,
  };
}

describe("fills booked into FIFO lots in the transaction that records them", async () => {
  const database = await createTestDatabase(12);
  const sql = database.sql;
  afterAll(() => database.close());
  const lots = async (account: string, symbol: string) => [
    ...(await sql<
      {
        entry_order_id: string;
        quantity: string;
        remaining: string;
        realised: string;
        closed: boolean;
        exit_reason: string | null;
      }[]
    >`select entry_order_id, quantity::text, remaining::text,
        (exit_value - exit_fee - closed_cost - closed_fee)::text as realised, closed_at is not null as closed, exit_reason
      from position_lots where account = ${account} and symbol = ${symbol} order by opened_at, id`),
  ];
  const book = async (account: string, symbol: string) =>
    (
      await sql<{ unmatched_qty: string }[]>`
        select unmatched_qty::text from position_books where account = ${account} and symbol = ${symbol}`
    )[0]?.unmatched_qty ?? null;

  test("a BUY then a take-profit SELL: the trade closes with the exact realised P&L, fees in quote included", async () => {
    await upsertExchangeOrders(sql, "paper", [
      order("b1", { side: "BUY", cumulativeValue: "100", fee: "0.1", updateTime: at(1) }),
    ]);
    await upsertExchangeOrders(sql, "paper", [
      order("s1", { side: "SELL", clientOid: "tp-b1", cumulativeValue: "110", fee: "0.11", updateTime: at(2) }),
    ]);
    // 110 − 0.11 − 100 − 0.1
    expect(await lots("paper", "BTC_USDT")).toEqual([
      {
        entry_order_id: "b1",
        quantity: "1",
        remaining: "0",
        realised: "9.79",
        closed: true,
        exit_reason: "take_profit",
      },
    ]);
    const [totals] = await sql`select realised::text, closed_trades, wins, losses, held_seconds::text
      from position_books where account = 'paper' and symbol = 'BTC_USDT'`;
    expect(totals).toEqual({ realised: "9.79", closed_trades: 1, wins: 1, losses: 0, held_seconds: "60" });
  });

  test("an order reported as it fills is booked by what each report adds; a repeat books nothing", async () => {
    const symbol = "ETH_USDT";
    const part = (cum: string, value: string, fee: string, minute: number) =>
      order("e1", {
        symbol,
        side: "BUY",
        type: "LIMIT",
        price: "2000",
        quantity: "1",
        status: cum === "1" ? "FILLED" : "PARTIALLY_FILLED",
        cumulativeQuantity: cum,
        cumulativeValue: value,
        fee,
        feeCurrency: "ETH",
        updateTime: at(minute),
      });
    await upsertExchangeOrders(sql, "paper", [part("0.4", "800", "0.0004", 1)]);
    await upsertExchangeOrders(sql, "paper", [part("1", "2000", "0.001", 2)]);
    expect(await upsertExchangeOrders(sql, "paper", [part("1", "2000", "0.001", 2)])).toBe(0);
    const [row] = await sql<{ quantity: string; entry_value: string; entry_fee: string }[]>`
      select quantity::text, entry_value::text, entry_fee::text from position_lots where entry_order_id = 'e1'`;
    // A base fee leaves 1 − 0.001 ETH held, and is valued at the fill price: 0.001 × 2000 = 2 USDT.
    expect(row).toEqual({ quantity: "0.999", entry_value: "1998", entry_fee: "2" });
  });

  test("a late fill of an entry that was sold down reopens its lot, the closed part kept", async () => {
    const symbol = "XRP_USDT";
    const entry = (cum: string, value: string, minute: number) =>
      order("late1", {
        symbol,
        side: "BUY",
        type: "LIMIT",
        price: "100",
        quantity: "2",
        status: cum === "2" ? "FILLED" : "PARTIALLY_FILLED",
        cumulativeQuantity: cum,
        cumulativeValue: value,
        updateTime: at(minute),
      });
    await upsertExchangeOrders(sql, "paper", [entry("1", "100", 1)]);
    await upsertExchangeOrders(sql, "paper", [
      order("late1-exit", { symbol, side: "SELL", clientOid: "tp-late1", cumulativeValue: "110", updateTime: at(2) }),
    ]);
    expect((await lots("paper", symbol))[0]).toMatchObject({ remaining: "0", closed: true });
    await upsertExchangeOrders(sql, "paper", [entry("2", "200", 3)]);
    expect(await lots("paper", symbol)).toEqual([
      { entry_order_id: "late1", quantity: "2", remaining: "1", realised: "10", closed: false, exit_reason: null },
    ]);
  });

  test("a SELL with no lot to match is unmatched_qty, never given a cost", async () => {
    await upsertExchangeOrders(sql, "paper", [
      order("x1", { symbol: "SOL_USDT", side: "SELL", cumulativeQuantity: "3", quantity: "3", cumulativeValue: "300" }),
    ]);
    expect(await lots("paper", "SOL_USDT")).toEqual([]);
    expect(await book("paper", "SOL_USDT")).toBe("3");
  });

  test("the accounts are never mixed: the same symbol on paper and live keeps two books", async () => {
    const symbol = "ADA_USDT";
    await upsertExchangeOrders(sql, "paper", [order("pa1", { symbol, side: "BUY" })]);
    await upsertExchangeOrders(sql, "cryptocom", [order("li1", { symbol, side: "SELL", updateTime: at(1) })]);
    expect((await lots("paper", symbol)).map((l) => l.remaining)).toEqual(["1"]);
    expect(await book("cryptocom", symbol)).toBe("1");
    const [row] = await sql<{ account: string }[]>`select account from exchange_orders where exchange_order_id = 'li1'`;
    expect(row?.account).toBe("cryptocom");
  });

  test("ten concurrent reports of one fill book it once", async () => {
    const symbol = "DOT_USDT";
    const fill = order("c1", { symbol, side: "BUY", cumulativeValue: "5" });
    await Promise.all(Array.from({ length: 10 }, () => upsertExchangeOrders(sql, "paper", [fill])));
    expect(await lots("paper", symbol)).toEqual([
      { entry_order_id: "c1", quantity: "1", remaining: "1", realised: "0", closed: false, exit_reason: null },
    ]);
  });

  test("a booking rolled back leaves nothing behind, and the next one starts from what is stored", async () => {
    const symbol = "LTC_USDT";
    await upsertExchangeOrders(sql, "paper", [order("l1", { symbol, side: "BUY", cumulativeValue: "50" })]);
    const sell = order("l2", {
      symbol,
      side: "SELL",
      quantity: "0.5",
      cumulativeQuantity: "0.5",
      cumulativeValue: "30",
    });
    await sql
      .begin(async (tx) => {
        await upsertExchangeOrders(tx, "paper", [sell]);
        throw new Error("rolled back");
      })
      .catch(() => {});
    expect((await lots("paper", symbol)).map((l) => l.remaining)).toEqual(["1"]);
    await upsertExchangeOrders(sql, "paper", [{ ...sell, updateTime: at(1) }]);
    // Half of the lot sold: 30 − 25.
    expect(await lots("paper", symbol)).toEqual([
      { entry_order_id: "l1", quantity: "1", remaining: "0.5", realised: "5", closed: false, exit_reason: null },
    ]);
  });

  test("every book keeps its open lots' quantity and cost (what the dashboard's positions read)", async () => {
    // Compared as numerics: the lots' sums may carry trailing zeros the books' exact totals do not.
    const rows = await sql<{ symbol: string; open_qty: string; lots_qty: string; same: boolean }[]>`
      select b.symbol, b.open_qty::text, coalesce(o.qty, 0)::text as lots_qty,
        b.open_qty = coalesce(o.qty, 0) and b.open_cost = coalesce(o.cost, 0) as same
      from position_books b left join (
        select account, symbol, sum(remaining) as qty, sum(remaining_cost + remaining_fee) as cost
        from position_lots where remaining > 0 and closed_at is null group by account, symbol) o
        on o.account = b.account and o.symbol = b.symbol`;
    expect(rows.filter((r) => Number(r.lots_qty) > 0).length).toBeGreaterThan(2);
    expect(rows.filter((r) => !r.same)).toEqual([]);
  });
});

describe("the backfill of fills recorded before booking existed", async () => {
  const database = await createTestDatabase(4);
  const sql = database.sql;
  afterAll(() => database.close());

  test("books the mirror's fills once, as the incremental booking would have", async () => {
    const orders = [
      order("h1", { side: "BUY", cumulativeValue: "100", fee: "0.1", updateTime: at(1) }),
      order("h2", { side: "BUY", cumulativeValue: "120", updateTime: at(2) }),
      order("h3", {
        side: "SELL",
        quantity: "1.5",
        cumulativeQuantity: "1.5",
        cumulativeValue: "180",
        updateTime: at(3),
      }),
      order("h4", { symbol: "ETH_USDT", side: "SELL", cumulativeValue: "10", updateTime: at(4) }),
    ];
    await upsertExchangeOrders(sql, "paper", orders);
    const booked = async () => [
      ...(await sql`select symbol, entry_order_id, remaining::text, exit_value::text, closed_cost::text, closed_fee::text,
          closed_at is not null as closed from position_lots order by entry_order_id`),
    ];
    const incremental = await booked();
    await sql`delete from position_lots`;
    await sql`delete from position_books`;
    expect(await backfillPositions(sql)).toBe(4);
    expect(await booked()).toEqual(incremental);
    const [unmatched] = await sql`select unmatched_qty::text from position_books where symbol = 'ETH_USDT'`;
    expect(unmatched?.unmatched_qty).toBe("1");
    expect(await backfillPositions(sql)).toBe(0);
  });
});
