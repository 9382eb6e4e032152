/**
 * Times exchange_sync's history import of a generated paper history (default 10 000 orders, pages of 50), a few
 * rounds on fresh databases: `bun scripts/import-timing.ts [orders] [rounds]` (TEST_DATABASE_URL or embedded).
 */
import { createPaperExchange } from "../src/exchanges/paper/client";
import { importOrderHistory } from "../src/services/exchange-sync/history";
import { createTestDatabase, stopCluster } from "../test/helpers/cluster";

const orders = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 3);
const results: number[] = [];
for (let round = 0; round < rounds; round++) {
  const database = await createTestDatabase(4);
  const exchange = await createPaperExchange({
    sql: database.sql,
    seed: "import-timing",
    feeRate: "0.001",
    slippageRate: "0",
    startBalances: { USDT: "10000" },
    historyOrders: orders,
    now: () => Date.parse("2026-06-01T00:00:00Z"),
  });
  const started = performance.now();
  const { fetched } = await importOrderHistory(database.sql, exchange, { service: "exchange_sync", pageSize: 50 });
  const ms = performance.now() - started;
  results.push(ms);
  console.log(`round ${round + 1}: ${fetched} orders in ${ms.toFixed(0)} ms (${Math.round(fetched / (ms / 1000))}/s)`);
  await database.close();
}
const sorted = [...results].sort((a, b) => a - b);
console.log(`median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms over ${rounds} rounds of ${orders} orders`);
await stopCluster();
