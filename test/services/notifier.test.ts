import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { upsertExchangeOrders } from "../../src/db/queries/exchange-orders";
import type { ExchangeOrder } from "../../src/domain/orders";
import { createNotifier, notifierFromConfig } from "../../src/services/notifier";
import { telegramChannel } from "../../src/services/notifier/telegram";
import { webhookChannel } from "../../src/services/notifier/webhook";
import { runSignalMonitorCycle } from "../../src/services/signal-monitor";
import { DAILY_SUMMARY_JOB, runDailySummaryIfDue } from "../../src/services/trading-scheduler/daily-summary";
import { addWatchlistItem } from "../../src/services/watchlist";
import { testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { freePort } from "../helpers/ports";
import { buyCandles, capturingLogger, override, recordingNotifier, testPaperExchange } from "../helpers/trading";

/** A local HTTP server that records requests and answers as the test says. */
function receiver() {
  const received: { path: string; body: unknown }[] = [];
  let answer: () => Promise<Response> = async () => new Response("ok");
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      received.push({ path: new URL(req.url).pathname, body: await req.json() });
      return answer();
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    answerWith: (fn: () => Promise<Response>) => {
      answer = fn;
    },
    stop: () => server.stop(true),
  };
}

describe("notifier channels", () => {
  const server = receiver();
  afterAll(() => server.stop());
  beforeEach(() => {
    server.received.length = 0;
    server.answerWith(async () => new Response("ok"));
  });

  test("the webhook receives the notification as JSON", async () => {
    const { log } = capturingLogger();
    const notifier = createNotifier([webhookChannel(`${server.url}/hook`)], { log, timeoutMs: 1000 });
    notifier.notify({ event: "signal", text: "BUY BTC_USDT", data: { id: 1 } });
    await notifier.settle();
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.path).toBe("/hook");
    expect(server.received[0]?.body).toMatchObject({ event: "signal", text: "BUY BTC_USDT", data: { id: 1 } });
    expect((server.received[0]?.body as { sent_at?: string } | undefined)?.sent_at).toMatch(/Z$/);
  });

  test("Telegram gets sendMessage with the chat id and the text", async () => {
    const { log } = capturingLogger();
    const channel = telegramChannel({ apiUrl: `${server.url}/`, botToken: "123:abc", chatId: "-42" });
    const notifier = createNotifier([channel], { log, timeoutMs: 1000 });
    notifier.notify({ event: "order", text: "PAPER BUY BTC_USDT" });
    await notifier.settle();
    expect(server.received).toEqual([
      {
        path: "/bot123:abc/sendMessage",
        body: { chat_id: "-42", text: "PAPER BUY BTC_USDT", disable_web_page_preview: true },
      },
    ]);
  });

  const failures: [string, () => Promise<Response>, RegExp][] = [
    ["an error status", async () => new Response("no", { status: 500 }), /answered 500/],
    ["no answer within the timeout", () => Bun.sleep(2000).then(() => new Response("late")), /timed out|abort/i],
  ];
  test.each(failures)("%s is logged, never thrown", async (_name, answer, message) => {
    server.answerWith(answer);
    const { log, logs } = capturingLogger();
    const notifier = createNotifier([webhookChannel(server.url)], { log, timeoutMs: 100 });
    expect(() => notifier.notify({ event: "signal", text: "x" })).not.toThrow();
    await notifier.settle();
    const warning = logs.find((l) => l.msg === "notification not delivered");
    expect(warning).toMatchObject({ level: "warn", channel: "webhook", event: "signal" });
    expect(JSON.stringify(warning?.error)).toMatch(message);
  });

  test("an unreachable Telegram is logged without the bot token", async () => {
    const { log, logs } = capturingLogger();
    const port = await freePort();
    const channel = telegramChannel({ apiUrl: `http://127.0.0.1:${port}`, botToken: "999:secret-token", chatId: "1" });
    const notifier = createNotifier([channel], { log, timeoutMs: 500 });
    notifier.notify({ event: "signal", text: "x" });
    await notifier.settle();
    const warning = logs.find((l) => l.msg === "notification not delivered");
    expect(JSON.stringify(warning)).toContain("Telegram unreachable");
    expect(JSON.stringify(logs)).not.toContain("secret-token");
  });

  test("configuration: off by default; webhook and Telegram when set", () => {
    const { log } = capturingLogger();
    expect(notifierFromConfig(testConfig(), log).enabled).toBe(false);
    const both = testConfig({ WEBHOOK_URL: server.url, TELEGRAM_BOT_TOKEN: "1:a", TELEGRAM_CHAT_ID: "2" });
    expect(notifierFromConfig(both, log).enabled).toBe(true);
    expect(() => testConfig({ TELEGRAM_BOT_TOKEN: "1:a" })).toThrow(/TELEGRAM_CHAT_ID/);
  });
});

describe("notifications never block the signal monitor", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const server = receiver();
  afterAll(async () => {
    server.stop();
    await paper.close();
    await database.close();
  });

  test("the cycle finishes while the webhook is still waiting for its answer", async () => {
    let release = () => {};
    server.answerWith(
      () =>
        new Promise<Response>((resolve) => {
          release = () => resolve(new Response("ok"));
        }),
    );
    const { log } = capturingLogger();
    const notifier = notifierFromConfig(testConfig({ WEBHOOK_URL: server.url, NOTIFY_TIMEOUT_MS: "10000" }), log);
    await addWatchlistItem(database, "BTC_USDT", { alertEnabled: true });
    const exchange = override(paper, { fetchCandles: async () => buyCandles() });
    const summary = await runSignalMonitorCycle({ database, exchange, log, notifier, config: testConfig() });
    expect(summary.signals).toBe(1);
    for (let i = 0; i < 100 && server.received.length === 0; i++) await Bun.sleep(10);
    expect(server.received).toHaveLength(1);
    release();
    await notifier.settle();
  });
});

const closedLeg = (id: string, side: "BUY" | "SELL", value: string, at: string): ExchangeOrder => ({
  exchangeOrderId: id,
  clientOid: null,
  symbol: "ETH_USDT",
  side,
  type: "MARKET",
  status: "FILLED",
  price: null,
  quantity: "1",
  cumulativeQuantity: "1",
  cumulativeValue: value,
  avgPrice: value,
  fee: "0",
  feeCurrency: "USDT",
  createTime: at,
  updateTime: at,
});

describe("daily summary", async () => {
  const database = await createTestDatabase();
  afterAll(() => database.close());
  const config = testConfig({ DAILY_SUMMARY_TIME: "08:00", DAILY_SUMMARY_TZ: "Europe/Paris" });
  const { log } = capturingLogger();

  test("goes out once per local day, from the configured local time", async () => {
    await database.sql`insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd)
      values (12000, 2000, 10000)`;
    const notifier = recordingNotifier();
    const at = (iso: string) => () => new Date(iso);
    const run = (iso: string) =>
      runDailySummaryIfDue({
        database,
        log,
        notifier,
        config,
        now: at(iso),
      });
    expect(await run("2025-01-15T06:59:00Z")).toBe(false); // 07:59 in Paris
    expect(await run("2025-01-15T07:00:00Z")).toBe(true); // 08:00 in Paris
    expect(await run("2025-01-15T07:30:00Z")).toBe(false); // same local day
    expect(await run("2025-01-15T22:59:00Z")).toBe(false); // 23:59, still the 15th in Paris
    expect(await run("2025-01-15T23:30:00Z")).toBe(false); // 00:30 on the 16th: not yet 08:00
    expect(await run("2025-01-16T07:01:00Z")).toBe(true);
    expect(notifier.sent.map((n) => n.event)).toEqual(["daily_summary", "daily_summary"]);
    expect(notifier.sent[0]?.text).toContain("ATP daily summary 2025-01-15: net 10000 USD");
    const [row] = await database.sql`select cursor from service_state where service = ${DAILY_SUMMARY_JOB}`;
    expect(row?.cursor).toEqual({ date: "2025-01-16" });
  });

  test("includes the day's realised P&L: trades closed on that local date", async () => {
    await upsertExchangeOrders(database.sql, "paper", [
      closedLeg("ds-b", "BUY", "100", "2025-04-09T20:00:00Z"),
      // 22:30 UTC on the 9th is 00:30 on the 10th in Paris: today's trade.
      closedLeg("ds-s", "SELL", "112.5", "2025-04-09T22:30:00Z"),
    ]);
    const notifier = recordingNotifier();
    await runDailySummaryIfDue({ database, log, notifier, config, now: () => new Date("2025-04-10T07:00:00Z") });
    expect(notifier.sent[0]?.text).toContain("realised P&L today 12.5 USD over 1 closed trades (paper)");
    expect(notifier.sent[0]?.data?.realised_today).toEqual({
      account: "paper",
      realised_pnl: "12.5",
      trades: 1,
      wins: 1,
      losses: 0,
    });
  });

  test("two schedulers at the same moment send it once", async () => {
    const notifier = recordingNotifier();
    const deps = { database, log, notifier, config, now: () => new Date("2025-02-01T09:00:00Z") };
    const results = await Promise.all([runDailySummaryIfDue(deps), runDailySummaryIfDue(deps)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  test("nothing is claimed while notifications are off", async () => {
    const off = { enabled: false, notify: () => {}, settle: async () => {} };
    const deps = { database, log, notifier: off, config, now: () => new Date("2025-03-01T09:00:00Z") };
    expect(await runDailySummaryIfDue(deps)).toBe(false);
    const [row] = await database.sql`select cursor from service_state where service = ${DAILY_SUMMARY_JOB}`;
    expect(row?.cursor).toEqual({ date: "2025-02-01" });
  });
});
