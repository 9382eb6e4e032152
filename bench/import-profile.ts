/**
 * Where the history import's time goes on the benchmark's database: an embedded PostgreSQL with
 * pg_stat_statements, the generated dataset, then the paper history imported either by a running ATP with every
 * service (`app`, as the bench's sync storm does, the dashboard read 50 times a second) or by importOrderHistory
 * alone (`direct`). Prints the import rate, the server's CPU, WAL, and the statements by total time.
 * `bun bench/import-profile.ts [app|direct] [orders] [signals] [history] [pageSize]`
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { loadConfig } from "../src/config";
import { createDatabase } from "../src/db/client";
import { startEmbeddedPostgres } from "../src/db/embedded";
import { runMigrations } from "../src/db/migrate";
import { createExchangeClient } from "../src/exchanges";
import { createLogger } from "../src/lib/logger";
import { importOrderHistory } from "../src/services/exchange-sync/history";
import { ALL_SERVICES, DASHBOARD } from "./context";
import { generateDataset, placeOpenOrders } from "./generate";
import { freePort, readProcessTreeCpuSeconds, startApp } from "./processes";

const [mode = "app", ordersArg, signalsArg, historyArg, pageArg] = process.argv.slice(2);
const orders = Number(ordersArg ?? 1_000_000);
const signals = Number(signalsArg ?? 100_000);
const history = Number(historyArg ?? 100_000);
const pageSize = Number(pageArg ?? 1000);
const openOrders = 200;
const plans = process.env.PROFILE_PLANS === "1";
const log = createLogger({
  level: plans ? "debug" : "warn",
  write: (line) => {
    if (!plans || line.includes("duration:")) process.stderr.write(`${line}\n`);
  },
});
const say = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const dir = mkdtempSync(join(tmpdir(), "atp-import-profile-"));
const pg = await startEmbeddedPostgres({
  dir: join(dir, "postgres"),
  port: await freePort(),
  database: "postgres",
  log,
  settings: {
    shared_preload_libraries: "pg_stat_statements,auto_explain",
    "pg_stat_statements.track": "all",
    // Plans of the slow statements, with their real row counts, in the server's log (printed: PROFILE_PLANS=1).
    "auto_explain.log_min_duration": "50",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_buffers": "on",
  },
});
try {
  const url = pg.url.replace(/\/postgres$/, "/atp_profile");
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin`create database atp_profile`;
  await admin.end();
  await runMigrations(url);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  await sql`create extension pg_stat_statements`;
  const postmaster = Number(readFileSync(join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
  say(`generating ${orders} orders, ${signals} signals`);
  await generateDataset(sql, { orders, signals, watchlist: 50, snapshots: 20_000, openOrders });
  await placeOpenOrders(url, openOrders);
  const [baseline] = await sql<{ max: string }[]>`select coalesce(max(id), 0)::text as max from exchange_orders`;
  const expected = history + openOrders;
  // max(id) is the cheap gauge while the import runs (a count would compete with it); ids burned by conflicts make
  // it run ahead, so the end is confirmed by the count.
  const highest = async () =>
    Number((await sql<{ max: string }[]>`select coalesce(max(id), 0)::text as max from exchange_orders`)[0]?.max) -
    Number(baseline?.max ?? 0);
  const imported = async () =>
    (await sql<{ n: number }[]>`select count(*)::int as n from exchange_orders where id > ${baseline?.max ?? "0"}`)[0]
      ?.n ?? 0;

  let seconds: number;
  let importCpu = "";
  let cpuBefore = 0;
  let walBefore = "0/0";
  const reset = async () => {
    await sql`select pg_stat_statements_reset()`;
    cpuBefore = readProcessTreeCpuSeconds(postmaster) ?? 0;
    walBefore = (await sql<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`)[0]?.lsn ?? "0/0";
  };
  if (mode === "direct") {
    const database = createDatabase({ url, max: 4, statementTimeoutMs: 60_000 });
    const exchange = await createExchangeClient(
      loadConfig({ EXCHANGE: "paper", PAPER_HISTORY_ORDERS: String(history) }),
      { sql: database.sql },
    );
    await reset();
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await importOrderHistory(database.sql, exchange, { service: "exchange_sync", pageSize });
    seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuStart);
    importCpu = ` ATP process CPU ${((used.user + used.system) / 1e6).toFixed(2)} s;`;
    await exchange.close();
    await database.close();
  } else {
    const token = "import-profile-token-0123456789";
    const server = await startApp({
      name: "main",
      databaseUrl: url,
      logPath: join(dir, "main.log"),
      env: {
        SERVICES: ALL_SERVICES,
        EXCHANGE: "paper",
        PAPER_HISTORY_ORDERS: String(history),
        EXCHANGE_SYNC_PAGE_SIZE: String(pageSize),
        EXCHANGE_SYNC_START_DELAY_MS: "3000",
        API_TOKEN: token,
      },
    });
    let reading = true;
    const reader = (async () => {
      while (reading) {
        await fetch(`${server.baseUrl}${DASHBOARD}`, { headers: { Authorization: `Bearer ${token}` } })
          .then((r) => r.arrayBuffer())
          .catch(() => {});
        await Bun.sleep(20);
      }
    })();
    await reset();
    while ((await imported()) === 0) await Bun.sleep(20);
    const started = performance.now();
    const first = await imported();
    while ((await highest()) < expected || (await imported()) < expected) await Bun.sleep(50);
    seconds = ((performance.now() - started) / 1000) * (expected / (expected - first));
    reading = false;
    await reader;
    await server.stop(5000);
  }
  const cpu = (readProcessTreeCpuSeconds(postmaster) ?? 0) - cpuBefore;
  const [wal] = await sql<{ bytes: string }[]>`
  select pg_wal_lsn_diff(pg_current_wal_lsn(), ${walBefore}::pg_lsn)::bigint::text as bytes`;
  say(
    `${mode}: ${expected} orders in ${seconds.toFixed(1)} s (${Math.round(expected / seconds)}/s);${importCpu} ` +
      `PostgreSQL CPU ${cpu.toFixed(1)} s; WAL ${(Number(wal?.bytes) / 1e6).toFixed(0)} MB`,
  );
  const top = await sql<{ calls: string; total: string; mean: string; rows: string; query: string }[]>`
  select calls::text, round(total_exec_time)::text as total, round(mean_exec_time::numeric, 2)::text as mean,
    rows::text, regexp_replace(left(query, 400), '\\s+', ' ', 'g') as query
  from pg_stat_statements order by total_exec_time desc limit 20`;
  for (const row of top)
    console.log(`${row.total.padStart(7)} ms ${row.calls.padStart(7)} × ${row.mean.padStart(8)} ms  ${row.query}`);
  await sql.end();
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
