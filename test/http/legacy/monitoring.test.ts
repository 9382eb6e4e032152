import { afterAll, describe, expect, test } from "bun:test";
import { logNotification } from "../../../src/db/queries/notification-log";
import { createTestApp, fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";
import { insertDashboardFixture } from "../../services/dashboard/fixture";

const CLIENT = { "Content-Type": "application/json", "x-api-key": "demo-key" };
const L = "/legacy/api";
const NOW = new Date("2025-03-01T02:00:00.000Z");

describe("legacy monitoring: summary, signal-throttle, telegram-messages, health", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  const services = fixedServices([
    {
      name: "exchange_sync",
      state: "running",
      enabled: true,
      restarts: 0,
      last_run_at: "2025-03-01T01:58:00.000Z",
      last_success_at: "2025-03-01T01:58:00.000Z",
      last_error: null,
    },
    {
      name: "signal_monitor",
      state: "crashed",
      enabled: true,
      restarts: 2,
      last_run_at: null,
      last_success_at: null,
      last_error: "candles timed out",
    },
  ]);
  const { app, close } = createTestApp(database, { services, now: () => NOW });
  afterAll(async () => {
    close();
    await database.close();
  });
  const get = async (path: string) => {
    const res = await app.request(`${L}${path}`, { headers: CLIENT });
    expect(res.status, path).toBe(200);
    return json(res);
  };

  test("summary: health, last sync age, counts, alerts and errors as strings", async () => {
    const s = await get("/monitoring/summary");
    expect(s.backend_health).toBe("degraded");
    expect(s.open_orders).toBe(60);
    expect(s.balances).toBe(4);
    expect(s.last_sync_seconds).toBe(120);
    expect(s.active_alerts).toBe(s.alerts.length);
    expect(s.alerts.map((a: { type: string }) => a.type)).toEqual(["service_down", "service_error"]);
    expect(s.errors).toContain("signal_monitor: candles timed out");
    for (const a of s.alerts)
      expect(Object.keys(a).sort()).toEqual(["message", "severity", "symbol", "timestamp", "type"]);
    expect(typeof s.portfolio_state_duration).toBe("number");
    expect(typeof s.last_backend_restart).toBe("number");
  });

  test("signal-throttle: an array of each watched symbol's last signal", async () => {
    const rows = await get("/monitoring/signal-throttle?limit=200");
    expect(Array.isArray(rows)).toBe(true);
    const btc = rows.find((r: { symbol: string }) => r.symbol === "BTC_USDT");
    // BTC_USDT's newest signal: the slow SELL at T0 + 61 min, price 130.5.
    expect(btc).toMatchObject({
      symbol: "BTC_USDT",
      strategy_key: "swing-conservative",
      side: "SELL",
      last_price: 130.5,
      last_time: "2025-03-01T01:01:00.000Z",
      seconds_since_last: 59 * 60,
    });
    expect(await get("/monitoring/signal-throttle?limit=1")).toHaveLength(1);
    const bad = await app.request(`${L}/monitoring/signal-throttle?limit=0`, { headers: CLIENT });
    expect(bad.status).toBe(400);
    expect(typeof (await json(bad)).detail).toBe("string");
  });

  test("telegram-messages: the notification log, newest first, blocked when not sent", async () => {
    expect(await get("/monitoring/telegram-messages")).toEqual({ messages: [], total: 0 });
    await logNotification(
      database.sql,
      { event: "signal", symbol: "BTC_USDT", text: "BUY BTC_USDT", status: "blocked", reason: "no channel" },
      500,
    );
    await logNotification(
      database.sql,
      { event: "order", symbol: "BTC_USDT", text: "PAPER BUY", status: "sent", reason: null },
      500,
    );
    const { messages, total } = await get("/monitoring/telegram-messages");
    expect(total).toBe(2);
    expect(messages[0]).toMatchObject({
      message: "PAPER BUY",
      symbol: "BTC_USDT",
      blocked: false,
      throttle_status: "sent",
    });
    expect(messages[1]).toMatchObject({ message: "BUY BTC_USDT", blocked: true, throttle_reason: "no channel" });
    expect(Date.parse(messages[0].timestamp)).toBeGreaterThan(0);
  });

  test("health: ATP's report", async () => {
    const h = await get("/health");
    expect(h.status).toBe("ok");
    expect(h.database.ok).toBe(true);
  });
});
