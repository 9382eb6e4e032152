import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, jsonHeaders, READ_TOKEN } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { countRows } from "../helpers/trading";

describe("watchlist API", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });
  const post = (body: unknown, headers: Record<string, string> = jsonHeaders()) =>
    app.request("/api/watchlist", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  test("add, read, list, change and soft-delete an item", async () => {
    const created = await post({ symbol: "BTC_USDT", alert_enabled: true, trade_amount_usd: "100.50" });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({
      symbol: "BTC_USDT",
      alert_enabled: true,
      trade_enabled: false,
      trade_amount_usd: "100.50",
      // The item's own throttle is unset: the preset's applies.
      cooldown_seconds: null,
      min_price_change_pct: null,
      preset: "swing-conservative",
      overrides: {},
      rules: { cooldown_seconds: 300, min_price_change_pct: "1", rsi_buy_below: 40, rsi_sell_above: 70 },
      buy_alert_enabled: true,
      sell_alert_enabled: true,
      market: null,
    });

    const one = await app.request("/api/watchlist/BTC_USDT");
    expect(one.status).toBe(200);
    expect((await json(one)).symbol).toBe("BTC_USDT");

    const changed = await app.request("/api/watchlist/BTC_USDT", {
      method: "PATCH",
      headers: jsonHeaders(),
      body: JSON.stringify({ trade_enabled: true, buy_target: "50000", cooldown_seconds: 60 }),
    });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ trade_enabled: true, buy_target: "50000", cooldown_seconds: 60 });

    const put = await app.request("/api/watchlist/BTC_USDT", {
      method: "PUT",
      headers: jsonHeaders(),
      body: JSON.stringify({ buy_target: null }),
    });
    expect(await json(put)).toMatchObject({ buy_target: null, trade_enabled: true });

    const list = await json(await app.request("/api/watchlist"));
    expect(list.watchlist.map((i: { symbol: string }) => i.symbol)).toEqual(["BTC_USDT"]);

    const deleted = await app.request("/api/watchlist/BTC_USDT", { method: "DELETE", headers: bearer() });
    expect(deleted.status).toBe(204);
    expect((await app.request("/api/watchlist/BTC_USDT")).status).toBe(404);
    // Soft delete: the row stays, with deleted_at.
    const [row] = await database.sql`select deleted_at from watchlist_items where symbol = 'BTC_USDT'`;
    expect(row?.deleted_at).not.toBeNull();
    // The symbol can be added again after a soft delete.
    expect((await post({ symbol: "BTC_USDT" })).status).toBe(201);
  });

  test("adding a symbol that is already watched is a 409", async () => {
    expect((await post({ symbol: "ETH_USDT" })).status).toBe(201);
    const again = await post({ symbol: "ETH_USDT", alert_enabled: true });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("conflict");
  });

  test("changes are announced on the change channel", async () => {
    const heard: string[] = [];
    const listener = await database.sql.listen("atp_changes", (payload) => heard.push(payload));
    await post({ symbol: "SOL_USDT" });
    for (let i = 0; i < 50 && heard.length === 0; i++) await Bun.sleep(10);
    await listener.unlisten();
    expect(heard).toContain("watchlist");
  });

  test("unknown symbols answer 404 on read, change and delete", async () => {
    expect((await app.request("/api/watchlist/XRP_USDT")).status).toBe(404);
    const patch = await app.request("/api/watchlist/XRP_USDT", {
      method: "PATCH",
      headers: jsonHeaders(),
      body: JSON.stringify({ alert_enabled: true }),
    });
    expect(patch.status).toBe(404);
    expect((await app.request("/api/watchlist/XRP_USDT", { method: "DELETE", headers: bearer() })).status).toBe(404);
  });

  const invalid: [string, string | object, number, string][] = [
    ["malformed JSON", "{not json", 400, "(root)"],
    ["array body", [], 400, "(root)"],
    ["missing symbol", { alert_enabled: true }, 400, "symbol"],
    ["lower-case symbol", { symbol: "btc_usdt" }, 400, "symbol"],
    ["symbol without quote", { symbol: "BTCUSDT" }, 400, "symbol"],
    ["symbol too long", { symbol: "ABCDEFGHIJKLM_USDT" }, 400, "symbol"],
    ["unknown field", { symbol: "ADA_USDT", leverage: 10 }, 400, "(root)"],
    ["amount as a number", { symbol: "ADA_USDT", trade_amount_usd: 100 }, 400, "trade_amount_usd"],
    ["negative amount", { symbol: "ADA_USDT", trade_amount_usd: "-5" }, 400, "trade_amount_usd"],
    ["amount with 3 decimals", { symbol: "ADA_USDT", trade_amount_usd: "1.005" }, 400, "trade_amount_usd"],
    ["amount in exponent form", { symbol: "ADA_USDT", trade_amount_usd: "1e3" }, 400, "trade_amount_usd"],
    ["zero buy target", { symbol: "ADA_USDT", buy_target: "0" }, 400, "buy_target"],
    ["stop loss above 100 %", { symbol: "ADA_USDT", stop_loss_pct: "100.5" }, 400, "stop_loss_pct"],
    ["min price change above 100 %", { symbol: "ADA_USDT", min_price_change_pct: "101" }, 400, "min_price_change_pct"],
    ["negative cooldown", { symbol: "ADA_USDT", cooldown_seconds: -1 }, 400, "cooldown_seconds"],
    ["cooldown of 8 days", { symbol: "ADA_USDT", cooldown_seconds: 8 * 86_400 }, 400, "cooldown_seconds"],
    ["fractional cooldown", { symbol: "ADA_USDT", cooldown_seconds: 1.5 }, 400, "cooldown_seconds"],
    ["boolean as a string", { symbol: "ADA_USDT", alert_enabled: "true" }, 400, "alert_enabled"],
  ];
  test.each(invalid)("POST rejects %s with %d and writes nothing", async (_name, body, status, path) => {
    const before = await countRows(database, "watchlist_items");
    const res = await post(body);
    expect(res.status).toBe(status);
    const error = (await json(res)).error;
    if (path === "(root)" && typeof body === "string") {
      expect(error.message).toMatch(/Malformed JSON/);
    } else {
      expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await countRows(database, "watchlist_items")).toBe(before);
  });

  test("a body that is not JSON is a 415", async () => {
    const res = await post("symbol=ADA_USDT", { ...bearer(), "Content-Type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
  });

  test("an empty change and a bad path symbol are 400s", async () => {
    await post({ symbol: "DOT_USDT" });
    const before = await database.sql`select updated_at from watchlist_items where symbol = 'DOT_USDT'`;
    const empty = await app.request("/api/watchlist/DOT_USDT", { method: "PATCH", headers: jsonHeaders(), body: "{}" });
    expect(empty.status).toBe(400);
    const badPath = await app.request("/api/watchlist/dot-usdt", { method: "DELETE", headers: bearer() });
    expect(badPath.status).toBe(400);
    const unknown = await app.request("/api/watchlist/DOT_USDT", {
      method: "PATCH",
      headers: jsonHeaders(),
      body: JSON.stringify({ symbol: "LINK_USDT" }),
    });
    expect(unknown.status).toBe(400);
    expect(await database.sql`select updated_at from watchlist_items where symbol = 'DOT_USDT'`).toEqual(before);
  });
});

describe("watchlist auth", async () => {
  const database = await createTestDatabase();
  const withToken = createTestApp(database, { env: { API_TOKEN } });
  const withReadToken = createTestApp(database, { env: { API_TOKEN, READ_TOKEN } });
  const noToken = createTestApp(database, { env: { API_TOKEN: "" } });
  afterAll(async () => {
    for (const a of [withToken, withReadToken, noToken]) a.close();
    await database.close();
  });
  const body = JSON.stringify({ symbol: "BTC_USDT" });
  const cases: [string, typeof withToken, string, Record<string, string>, number, string][] = [
    ["no header on a change", withToken, "POST", {}, 401, "missing or malformed"],
    ["wrong token on a change", withToken, "POST", bearer("wrong-token-wrong-token"), 401, "invalid bearer token"],
    [
      "Basic instead of Bearer",
      withToken,
      "POST",
      { Authorization: `Basic ${btoa("a:b")}` },
      401,
      "missing or malformed",
    ],
    ["token without the scheme", withToken, "POST", { Authorization: API_TOKEN }, 401, "missing or malformed"],
    ["read token on a change", withReadToken, "POST", bearer(READ_TOKEN), 403, "read token cannot make changes"],
    ["no API_TOKEN configured", noToken, "POST", bearer(API_TOKEN), 403, "API_TOKEN is not configured"],
    ["read without token when READ_TOKEN is set", withReadToken, "GET", {}, 401, "missing or malformed"],
    ["read with a wrong token when READ_TOKEN is set", withReadToken, "GET", bearer("x".repeat(20)), 401, "invalid"],
  ];
  test.each(cases)("%s → %d", async (_name, target, method, headers, status, message) => {
    const res = await target.app.request("/api/watchlist", {
      method,
      headers: { "Content-Type": "application/json", ...headers },
      body: method === "POST" ? body : undefined,
    });
    expect(res.status).toBe(status);
    expect((await json(res)).error.message).toContain(message);
    if (status === 401 && !headers.Authorization?.startsWith("Bearer ")) {
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="atp"');
    }
    expect(await countRows(database, "watchlist_items")).toBe(0);
  });

  const allowed: [string, typeof withToken, string, Record<string, string>][] = [
    ["reads are open without READ_TOKEN", withToken, "GET", {}],
    ["reads are open without any token configured", noToken, "GET", {}],
    ["read token reads", withReadToken, "GET", bearer(READ_TOKEN)],
    ["API token reads when READ_TOKEN is set", withReadToken, "GET", bearer(API_TOKEN)],
  ];
  test.each(allowed)("%s", async (_name, target, method, headers) => {
    expect((await target.app.request("/api/watchlist", { method, headers })).status).toBe(200);
  });

  test("auth covers every /api/* path and nothing outside it", async () => {
    expect((await withReadToken.app.request("/ping_fast")).status).toBe(200);
    expect((await withReadToken.app.request("/api/nothing-here")).status).toBe(401);
    expect((await withReadToken.app.request("/api/nothing-here", { headers: bearer(READ_TOKEN) })).status).toBe(404);
  });
});
