import { afterAll, describe, expect, test } from "bun:test";
import { recordOrder } from "../../src/db/queries/orders";
import { createPaperExchange } from "../../src/exchanges/paper/client";
import { pinPrice } from "../../src/exchanges/paper/store";
import { runProtectionCycle } from "../../src/services/positions/protection";
import { addWatchlistItem } from "../../src/services/watchlist";
import { createTestDatabase } from "../helpers/cluster";
import { capturingLogger } from "../helpers/trading";

describe("a worker terminated between placing a protection order and recording it", async () => {
  const database = await createTestDatabase();
  afterAll(() => database.close());

  test("after the restart there is exactly one take-profit and one stop-loss", async () => {
    const paper = await createPaperExchange({
      sql: database.sql,
      seed: "protection-crash",
      feeRate: "0.001",
      slippageRate: "0",
      startBalances: { USDT: "1000" },
      historyOrders: 0,
      pinnedPrices: true,
    });
    await pinPrice(database.sql, "BTC_USDT", "50000", Date.now());
    await addWatchlistItem(database, "BTC_USDT", { takeProfitPct: "5", stopLossPct: "3" });
    const entry = await paper.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "MARKET",
      notional: "100",
      clientOid: "sig-1",
    });
    await recordOrder(database.sql, "paper", entry);

    const worker = new Worker(new URL("../fixtures/workers/protection-crash.worker.ts", import.meta.url).href);
    const placed = new Promise<string>((resolve) => {
      worker.onmessage = (event: MessageEvent<{ placed: string }>) => resolve(event.data.placed);
    });
    worker.postMessage({ databaseUrl: database.url });
    expect(await placed).toBe(`tp-${entry.exchangeOrderId}`);
    worker.terminate();
    const [stuck] = await database.sql<{ state: string }[]>`select state from protection_orders`;
    expect(stuck?.state).toBe("placing");

    const { log } = capturingLogger();
    const clients = { exchange: paper, paperExchange: paper };
    await runProtectionCycle({ database, clients, log });
    await runProtectionCycle({ database, clients, log });
    const orders = await database.sql<{ client_oid: string; status: string }[]>`
      select client_oid, status from paper_orders where client_oid not like 'sig-%' order by client_oid`;
    expect(orders.map((o) => [o.client_oid, o.status])).toEqual([
      [`sl-${entry.exchangeOrderId}`, "ACTIVE"],
      [`tp-${entry.exchangeOrderId}`, "ACTIVE"],
    ]);
    const rows = await database.sql<{ kind: string; state: string }[]>`
      select kind, state from protection_orders order by id`;
    expect(rows.map((r) => [r.kind, r.state])).toEqual([
      ["take_profit", "open"],
      ["stop_loss", "open"],
    ]);
  });
});
