/**
 * `bun bench/console.ts [--orders N]` — the console on the benchmark's database (1 000 000 orders by default):
 * its first paint and first live state in headless Chromium, and whether open consoles raise the warm
 * dashboard's p99. Everything in one run, ratios within it: the machine is shared and moves by tens of percent.
 *
 * Warm p99: `GET /api/dashboard/state` at a fixed rate while a writer commits a watchlist change every 250 ms
 * (each one a rebuild and, with consoles open, one pushed state per console), in the order
 * without · with · with · without consoles, so a drift of the machine weighs on both sides alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { createLogger } from "../src/lib/logger";
import { launchChromium } from "../test/browser/chromium";
import { createBenchDatabase } from "./database";
import { generateDataset } from "./generate";
import { startApp } from "./processes";
import { detectToolset, runLoad } from "./tools";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { orders: { type: "string", default: "1000000" }, consoles: { type: "string", default: "5" } },
});
const orders = Number(values.orders);
const consoles = Number(values.consoles);
const TOKEN = "bench-console-token-0123456789";
const RATE = { perSecond: 200, connections: 10, seconds: 10 };
const say = (line: string) => console.log(`[console bench] ${line}`);

const log = createLogger({ level: "warn", format: "json" });
const tools = await detectToolset();
const database = await createBenchDatabase({ serverUrl: process.env.DATABASE_URL, log });
const logDir = mkdtempSync(join(tmpdir(), "atp-console-bench-"));
const cleanups: (() => Promise<unknown>)[] = [() => database.close()];
try {
  say(`generating ${orders} orders on a ${database.server} PostgreSQL`);
  const sql = postgres(database.url, { max: 2 });
  const dataset = await generateDataset(sql, {
    orders,
    signals: Math.max(200, orders / 10),
    watchlist: 50,
    snapshots: 20_000,
    openOrders: 0,
  });
  await sql.end();
  say(`generated in ${dataset.seconds} s`);

  const app = await startApp({
    name: "atp",
    databaseUrl: database.url,
    env: { SERVICES: "", API_TOKEN: TOKEN },
    logPath: join(logDir, "app.log"),
  });
  cleanups.unshift(() => app.stop());
  say(`app ready in ${Math.round(app.readyMs)} ms at ${app.baseUrl}`);

  const browser = await launchChromium();
  cleanups.unshift(() => browser.close());

  // First paint and first live state, a cold browser cache first, then four warm loads.
  const loads: { fcp: number; state: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.context.newPage();
    await page.goto(`${app.baseUrl}/`);
    await page.waitForFunction("document.body.dataset.generatedAt !== undefined", undefined, { timeout: 30_000 });
    const [fcp, state] = (await page.evaluate(`[
      performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
      performance.getEntriesByType("mark").find((m) => m.name === "atp:first-state")?.startTime ?? -1,
    ]`)) as [number, number];
    loads.push({ fcp: Math.round(fcp), state: Math.round(state) });
    await page.close();
  }
  say(`first contentful paint (ms): ${loads.map((l) => l.fcp).join(", ")} (first with a cold cache)`);
  say(`first live state drawn (ms): ${loads.map((l) => l.state).join(", ")}`);

  // The writer: a committed change every 250 ms, as a busy operator or the services would make.
  let writing = true;
  let changes = 0;
  const writer = (async () => {
    const symbol = ((await (await fetch(`${app.baseUrl}/api/watchlist`)).json()) as { watchlist: { symbol: string }[] })
      .watchlist[0]?.symbol;
    for (let on = true; writing; on = !on) {
      await fetch(`${app.baseUrl}/api/watchlist/${symbol}`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ alert_enabled: on }),
      });
      changes++;
      await Bun.sleep(250);
    }
  })();

  const warm = async (label: string) => {
    const result = await runLoad(tools, {
      kind: "rate",
      url: `${app.baseUrl}/api/dashboard/state`,
      connections: RATE.connections,
      rate: RATE.perSecond,
      durationS: RATE.seconds,
      minBodyBytes: 1000,
    });
    const ok = result.statuses["200"] ?? 0;
    say(
      `${label}: p50 ${result.latency_ms.p50} ms, p99 ${result.latency_ms.p99} ms, max ${result.latency_ms.max} ms, ${ok}/${result.responses} 200`,
    );
    return result.latency_ms.p99;
  };
  const openConsoles = async (count: number) => {
    const pages = [];
    for (let i = 0; i < count; i++) {
      const page = await browser.context.newPage();
      await page.goto(`${app.baseUrl}/`);
      await page.waitForFunction("document.body.dataset.generatedAt !== undefined", undefined, { timeout: 30_000 });
      pages.push(page);
    }
    return pages;
  };

  // Stream readers without a browser: what `consoles` open consoles cost the server alone (a browser on this
  // 2-core machine also takes CPU from the server, which an operator's own machine would not).
  const openStreams = async () => {
    const controllers: AbortController[] = [];
    const counts: number[] = [];
    for (let i = 0; i < consoles; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      counts.push(0);
      const { stream_url } = (await (
        await fetch(`${app.baseUrl}/api/dashboard/stream-ticket`, { method: "POST" })
      ).json()) as { stream_url: string };
      const res = await fetch(`${app.baseUrl}${stream_url}`, { signal: controller.signal });
      void (async () => {
        const decoder = new TextDecoder();
        try {
          for await (const chunk of res.body as ReadableStream<Uint8Array>) {
            counts[i] = (counts[i] as number) + (decoder.decode(chunk).match(/^event: state$/gm)?.length ?? 0);
          }
        } catch {
          // aborted
        }
      })();
    }
    return {
      counts,
      close: () => {
        for (const controller of controllers) controller.abort();
      },
    };
  };

  await warm("warm-up (not counted)");
  const p99 = { without: [] as number[], browser: [] as number[], streams: [] as number[] };
  for (const round of [0, 1]) {
    if (round === 0) p99.without.push(await warm("without consoles"));
    const [page] = await openConsoles(1);
    p99.browser.push(await warm("with 1 console in Chromium"));
    const drawn = await (page as Awaited<ReturnType<typeof openConsoles>>[number]).evaluate(
      "Number(document.body.dataset.states ?? 0)",
    );
    await page?.close();
    const streams = await openStreams();
    p99.streams.push(await warm(`with ${consoles} stream readers`));
    streams.close();
    say(`states: ${drawn} drawn by the console; ${streams.counts.join(", ")} received by the readers`);
    if (round === 1) p99.without.push(await warm("without consoles"));
  }
  writing = false;
  await writer;

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = mean(p99.without);
  say(`${changes} changes committed during the runs`);
  say(`warm dashboard p99 without consoles: ${p99.without.join(", ")} ms (mean ${base.toFixed(2)})`);
  say(`÷ with 1 console in Chromium: ${(mean(p99.browser) / base).toFixed(2)} (${p99.browser.join(", ")} ms)`);
  say(`÷ with ${consoles} stream readers: ${(mean(p99.streams) / base).toFixed(2)} (${p99.streams.join(", ")} ms)`);
} finally {
  for (const cleanup of cleanups) await cleanup().catch((error: Error) => say(`cleanup: ${error.message}`));
  rmSync(logDir, { recursive: true, force: true });
}
