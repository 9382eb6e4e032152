/**
 * `bun bench/soak.ts [--seconds 120] [--rate 100]` — the soak (issue #11 item 10, not CI): ATP with every service
 * on (paper exchange, a 20 000-order history to sync), a fixed request rate over the API's reads and a write
 * every second, for at least two minutes. It samples the process's RSS and its open database connections every
 * 5 s and reports the first and the last minute side by side, with every answer's status (no 5xx allowed).
 * Exit 1 when a 5xx (or a request error) was seen, or when RSS or connections grew past the allowance.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/lib/logger";
import { ALL_SERVICES } from "./context";
import { createBenchDatabase } from "./database";
import { startApp } from "./processes";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
const TOKEN = "soak-api-token-0123456789";
const READS = [
  "/api/dashboard/state",
  "/api/watchlist",
  "/api/orders/history?limit=50",
  "/api/orders/open",
  "/api/signals?limit=50",
  "/api/portfolio",
  "/api/services/status",
  "/health",
];
// Flat means: the last minute within these of the first (RSS settles after the history import).
const RSS_GROWTH_ALLOWED = 1.25;
const CONNECTIONS_GROWTH_ALLOWED = 2;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
  return value;
}

interface Sample {
  at_s: number;
  rss_mb: number | null;
  connections: number;
}

async function main(): Promise<number> {
  const seconds = option("seconds", 120);
  const rate = option("rate", 100);
  const log = createLogger({ level: "warn", base: { app: "soak" } });
  const config = loadConfig();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const runId = `${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}-soak`;
  const database = await createBenchDatabase({ serverUrl: config.DATABASE_URL, log });
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const app = await startApp({
    name: "soak",
    databaseUrl: database.url,
    logPath: `${RESULTS_DIR}${runId}.log`,
    env: {
      API_TOKEN: TOKEN,
      SERVICES: ALL_SERVICES,
      EXCHANGE_SYNC_START_DELAY_MS: "0",
      EXCHANGE_SYNC_INTERVAL_MS: "2000",
      SIGNAL_MONITOR_INTERVAL_MS: "2000",
      TRADING_SCHEDULER_INTERVAL_MS: "2000",
      PAPER_HISTORY_ORDERS: "20000",
    },
  });
  const statuses: Record<string, number> = {};
  let errors = 0;
  const samples: Sample[] = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  try {
    for (const symbol of ["BTC_USDT", "ETH_USDT", "SOL_USDT"]) {
      await fetch(`${app.baseUrl}/api/watchlist`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ symbol, alert_enabled: true }),
      }).then((r) => r.arrayBuffer());
    }
    const send = async (path: string, init?: RequestInit) => {
      try {
        const res = await fetch(`${app.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      } catch {
        errors++;
      }
    };
    const sample = async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where application_name like ${`atp-${app.pid}%`}`;
      const rss = app.rssBytes();
      samples.push({
        at_s: Math.round(elapsed()),
        rss_mb: rss === null ? null : Math.round(rss / 1e5) / 10,
        connections: row?.n ?? 0,
      });
    };
    await sample();
    const inFlight = new Set<Promise<void>>();
    const gapMs = 1000 / rate;
    let next = performance.now();
    let n = 0;
    let nextSample = 5;
    while (elapsed() < seconds) {
      // Open-loop: requests start on schedule whether or not earlier ones have answered.
      const path = READS[n % READS.length] as string;
      const write = n % rate === 0;
      const request = write
        ? send("/api/watchlist/BTC_USDT", {
            method: "PATCH",
            headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
            body: JSON.stringify({ alert_enabled: n % (2 * rate) === 0 }),
          })
        : send(path);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      n++;
      if (elapsed() >= nextSample) {
        nextSample += 5;
        await sample();
      }
      next += gapMs;
      const wait = next - performance.now();
      if (wait > 0) await Bun.sleep(wait);
    }
    await Promise.all(inFlight);
    await sample();
  } finally {
    await app.stop(10_000);
    await sql.end({ timeout: 5 });
    await database.close();
  }

  const minute = (from: number, to: number) => samples.filter((s) => s.at_s >= from && s.at_s <= to);
  const average = (list: Sample[], pick: (s: Sample) => number | null) => {
    const values = list.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
  };
  const first = minute(0, 60);
  const last = minute(seconds - 60, seconds + 5);
  const report = {
    run_id: runId,
    seconds,
    rate,
    requests: Object.values(statuses).reduce((a, b) => a + b, 0),
    statuses,
    errors,
    server_errors: Object.entries(statuses)
      .filter(([s]) => Number(s) >= 500)
      .reduce((a, [, c]) => a + c, 0),
    rss_mb: { first_minute: average(first, (s) => s.rss_mb), last_minute: average(last, (s) => s.rss_mb) },
    connections: {
      first_minute: average(first, (s) => s.connections),
      last_minute: average(last, (s) => s.connections),
    },
    samples,
  };
  const file = `${RESULTS_DIR}${runId}.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `soak ${seconds} s at ${rate} req/s: ${report.requests} answers ${JSON.stringify(statuses)}, ${errors} request errors; ` +
      `RSS ${report.rss_mb.first_minute} → ${report.rss_mb.last_minute} MB (first → last minute); ` +
      `DB connections ${report.connections.first_minute} → ${report.connections.last_minute}\nResults: ${file}`,
  );
  const grew = (a: number | null, b: number | null, factor: number) => a !== null && b !== null && b > a * factor;
  const flat =
    !grew(report.rss_mb.first_minute, report.rss_mb.last_minute, RSS_GROWTH_ALLOWED) &&
    !grew(report.connections.first_minute, report.connections.last_minute, CONNECTIONS_GROWTH_ALLOWED);
  return report.server_errors === 0 && errors === 0 && flat ? 0 : 1;
}

process.exit(await main());
