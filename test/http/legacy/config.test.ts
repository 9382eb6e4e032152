import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";

const KEY = "legacy-key-0123456789";
const CLIENT = { "Content-Type": "application/json", "x-api-key": KEY };
const L = "/legacy/api";

describe("legacy /config over ATP's presets", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN: KEY } });
  afterAll(async () => {
    close();
    await database.close();
  });
  const put = (body: unknown) =>
    app.request(`${L}/config`, { method: "PUT", headers: CLIENT, body: JSON.stringify(body) });

  test("GET: the built-in families in the frontend's rules format, every preset, each coin's preset", async () => {
    await app.request("/api/watchlist", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ symbol: "BTC_USDT", preset: "scalp-aggressive" }),
    });
    const res = await app.request(`${L}/config`, { headers: CLIENT });
    expect(res.status).toBe(200);
    const config = await json(res);
    expect(Object.keys(config.strategy_rules)).toEqual(["swing", "intraday", "scalp"]);
    const swing = config.strategy_rules.swing.rules.Conservative;
    expect(swing).toMatchObject({
      rsi: { buyBelow: 40, sellAbove: 70 },
      maChecks: { ema10: true, ma50: true, ma200: false },
      sl: { pct: 3 },
      tp: { pct: 5 },
      minPriceChangePct: 1,
      alertCooldownMinutes: 5,
    });
    expect(config.strategy_rules.swing.notificationProfile).toBe("swing");
    expect(config.presets["swing-conservative"]).toMatchObject({ rsi_buy_below: 40, builtin: true });
    expect(config.coins).toEqual({ BTC_USDT: { preset: "scalp-aggressive", overrides: {} } });
  });

  test("PUT: the built-ins as they are is accepted; a change to one is refused, naming it", async () => {
    const config = await json(await app.request(`${L}/config`, { headers: CLIENT }));
    const unchanged = await put({ strategy_rules: config.strategy_rules });
    expect(unchanged.status).toBe(200);
    expect(await json(unchanged)).toEqual({ ok: true });
    const edited = structuredClone(config.strategy_rules);
    edited.swing.rules.Conservative.rsi.buyBelow = 33;
    const res = await put({ strategy_rules: edited });
    expect(res.status).toBe(400);
    const { detail } = await json(res);
    expect(detail).toContain("swing-conservative is a built-in preset");
    expect(detail).toContain("strategy_rules.swing.rules.Conservative");
  });

  test("PUT coins: a coin's preset and overrides through ATP's watchlist rules", async () => {
    const res = await put({ coins: { BTC_USDT: { preset: "swing-aggressive", overrides: { rsi_buy_below: 42 } } } });
    expect(res.status).toBe(200);
    const item = await json(await app.request("/api/watchlist/BTC_USDT"));
    expect(item).toMatchObject({ preset: "swing-aggressive", overrides: { rsi_buy_below: 42 } });
    expect(item.rules.rsi_buy_below).toBe(42);
    // One bad coin among good ones writes nothing.
    const mixed = await put({
      coins: { BTC_USDT: { preset: "scalp-conservative" }, ETH_USDT: { preset: "swing-aggressive" } },
    });
    expect(mixed.status).toBe(404);
    expect((await json(await app.request("/api/watchlist/BTC_USDT"))).preset).toBe("swing-aggressive");
    for (const body of [
      { coins: { BTC_USDT: { preset: "no-such" } } },
      { coins: { ETH_USDT: { preset: "swing-aggressive" } } },
      { coins: { BTC_USDT: { overrides: { unknown_rule: 1 } } } },
      { presets: {} },
      { strategy_rules: { mine: { rules: {} } } },
    ]) {
      const bad = await put(body);
      expect(bad.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(bad.status).toBeLessThan(500);
      expect(typeof (await json(bad)).detail).toBe("string");
    }
  });
});
