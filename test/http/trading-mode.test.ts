import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, jsonHeaders, READ_TOKEN } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { override, testPaperExchange } from "../helpers/trading";

describe("GET/PUT /api/trading/mode", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const fakeLive = override(paper, { name: "fake-live", live: true });
  const fresh = { DASHBOARD_STALE_MS: "0", DASHBOARD_MIN_REBUILD_MS: "0" };
  const onPaper = createTestApp(database, { exchange: paper, env: { API_TOKEN, READ_TOKEN, ...fresh } });
  const onLive = createTestApp(database, { exchange: fakeLive, paperExchange: paper, env: { API_TOKEN, ...fresh } });
  const noToken = createTestApp(database, { exchange: fakeLive, paperExchange: paper, env: { API_TOKEN: "" } });
  afterAll(async () => {
    for (const a of [onPaper, onLive, noToken]) a.close();
    await paper.close();
    await database.close();
  });
  const put = (app: typeof onPaper.app, live: boolean, headers: Record<string, string> = jsonHeaders()) =>
    app.request("/api/trading/mode", { method: "PUT", headers, body: JSON.stringify({ live_trading: live }) });
  const liveSetting = async () =>
    (await database.sql`select value from trading_settings where key = 'live_trading'`)[0]?.value ?? null;

  test("dry run by default", async () => {
    expect(await json(await onLive.app.request("/api/trading/mode"))).toEqual({
      live_trading: false,
      mode: "DRY_RUN",
      account: "paper",
      entries_enabled: true,
      exchange: "fake-live",
      exchange_live: true,
      note: null,
    });
  });

  test("without API_TOKEN configured, live trading cannot be switched on", async () => {
    const res = await put(noToken.app, true, { "Content-Type": "application/json" });
    expect(res.status).toBe(403);
    expect((await json(res)).error.message).toContain("API_TOKEN is not configured");
    expect(await liveSetting()).toBeNull();
  });

  test("the read token cannot switch it either", async () => {
    expect((await put(onPaper.app, true, { ...jsonHeaders(), ...bearer(READ_TOKEN) })).status).toBe(403);
    expect(await liveSetting()).toBeNull();
  });

  test("switched on with a live exchange: LIVE; with the paper exchange: still DRY_RUN, and it says why", async () => {
    const on = await put(onLive.app, true);
    expect(on.status).toBe(200);
    expect(await json(on)).toMatchObject({ live_trading: true, mode: "LIVE", note: null });
    expect(await liveSetting()).toBe(true);
    const paperView = await json(await onPaper.app.request("/api/trading/mode", { headers: bearer(READ_TOKEN) }));
    expect(paperView).toMatchObject({ live_trading: true, mode: "DRY_RUN", exchange: "paper", exchange_live: false });
    expect(paperView.note).toMatch(/not live/);
    expect(await json(await put(onLive.app, false))).toMatchObject({ live_trading: false, mode: "DRY_RUN" });
  });

  test("one derivation: the dashboard's bot_status says what /api/trading/mode says, on either exchange", async () => {
    const state = async (a: typeof onLive) => {
      a.dashboard.invalidate();
      return (await json(await a.app.request("/api/dashboard/state", { headers: bearer(READ_TOKEN) }))).bot_status;
    };
    const mode = async (a: typeof onLive) =>
      json(await a.app.request("/api/trading/mode", { headers: bearer(READ_TOKEN) }));
    for (const live of [false, true]) {
      await put(onLive.app, live);
      for (const a of [onLive, onPaper]) {
        const [bot, shown] = [await state(a), await mode(a)];
        expect(bot).toMatchObject({ mode: shown.mode, account: shown.account, note: shown.note });
      }
    }
    expect(await state(onLive)).toMatchObject({ mode: "LIVE", account: "fake-live" });
    expect(await state(onPaper)).toMatchObject({ mode: "DRY_RUN", account: "paper" });
    await put(onLive.app, false);
  });

  test("entries_enabled pauses new entries and is shown everywhere; an empty body is a 400", async () => {
    const set = (body: unknown) =>
      onLive.app.request("/api/trading/mode", { method: "PUT", headers: jsonHeaders(), body: JSON.stringify(body) });
    expect(await json(await set({ entries_enabled: false }))).toMatchObject({ entries_enabled: false });
    onLive.dashboard.invalidate();
    expect((await json(await onLive.app.request("/api/dashboard/state"))).bot_status.entries_enabled).toBe(false);
    expect((await set({})).status).toBe(400);
    expect((await set({ entries_enabled: "no" })).status).toBe(400);
    expect(await json(await set({ entries_enabled: true }))).toMatchObject({ entries_enabled: true });
  });

  test("a live exchange without a paper exchange refuses manual orders rather than risk them", async () => {
    const unsafe = createTestApp(database, { exchange: fakeLive, env: { API_TOKEN } });
    try {
      const res = await unsafe.app.request("/api/orders", {
        method: "POST",
        headers: jsonHeaders(),
        body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" }),
      });
      expect(res.status).toBe(503);
    } finally {
      unsafe.close();
    }
  });
});
