import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";
import { testPaperExchange } from "../../helpers/trading";
import { insertDashboardFixture } from "../../services/dashboard/fixture";

const KEY = "legacy-key-0123456789";
const CLIENT = { "Content-Type": "application/json", "x-api-key": KEY };
const L = "/legacy/api";

describe("legacy trading and money: live-status, live-toggle, loans, account balance", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  const paper = await testPaperExchange(database);
  const { app, close } = createTestApp(database, { env: { API_TOKEN: KEY }, exchange: paper });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });

  test("live-status reads ATP's trading mode", async () => {
    const res = await app.request(`${L}/trading/live-status`, { headers: CLIENT });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ ok: true, live_trading_enabled: false, mode: "DRY_RUN" });
    expect(typeof body.message).toBe("string");
  });

  test("live-toggle is protected: the frontend's own call (no key) is refused with a detail", async () => {
    // toggleLiveTrading sends only Content-Type (src/lib/api.ts).
    const res = await app.request(`${L}/trading/live-toggle`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ enabled: true }),
    });
    expect(res.status).toBe(401);
    expect(typeof (await json(res)).detail).toBe("string");
    expect((await json(await app.request(`${L}/trading/live-status`, { headers: CLIENT }))).live_trading_enabled).toBe(
      false,
    );
  });

  test("with the key, live-toggle switches live_trading; the paper exchange keeps orders on paper", async () => {
    const on = await app.request(`${L}/trading/live-toggle`, {
      method: "POST",
      headers: CLIENT,
      body: JSON.stringify({ enabled: true }),
    });
    expect(on.status).toBe(200);
    const body = await json(on);
    expect(body).toMatchObject({ ok: true, live_trading_enabled: true, mode: "DRY_RUN" });
    expect(body.message).toContain("paper");
    expect((await json(await app.request("/api/trading/mode"))).live_trading).toBe(true);
    const off = await json(
      await app.request(`${L}/trading/live-toggle`, {
        method: "POST",
        headers: CLIENT,
        body: JSON.stringify({ enabled: false }),
      }),
    );
    expect(off.live_trading_enabled).toBe(false);
    const bad = await app.request(`${L}/trading/live-toggle`, {
      method: "POST",
      headers: CLIENT,
      body: '{"enabled":"yes"}',
    });
    expect(bad.status).toBe(400);
    expect(typeof (await json(bad)).detail).toBe("string");
  });

  test("loans: a bare array of active loans with borrowed_usd_value as a number, fetched as the page does", async () => {
    // page.tsx fetches `${getApiUrl()}/loans` with no headers at all.
    const res = await app.request(`${L}/loans`);
    expect(res.status).toBe(200);
    const loans = await json(res);
    expect(Array.isArray(loans)).toBe(true);
    expect(loans).toHaveLength(1);
    expect(loans[0]).toMatchObject({ currency: "SOL", borrowed_amount: 3, borrowed_usd_value: 450, is_active: true });
    const total = loans.reduce(
      (sum: number, l: { borrowed_usd_value: number }) => sum + (l.borrowed_usd_value || 0),
      0,
    );
    expect(total).toBe(450);
  });

  test("account balance: AccountSummary rows (balance, available, currency) for the one exchange", async () => {
    const res = await app.request(`${L}/account/balance?exchange=CRYPTO_COM`, { headers: CLIENT });
    expect(res.status).toBe(200);
    const rows = await json(res);
    expect(rows.find((r: { currency: string }) => r.currency === "BTC")).toMatchObject({
      currency: "BTC",
      balance: 0.5,
      available: 0.4,
      reserved: 0.1,
      usd_value: 30000,
    });
    const other = await app.request(`${L}/account/balance?exchange=BINANCE`, { headers: CLIENT });
    expect(other.status).toBe(400);
    expect((await json(other)).detail).toContain("one exchange");
  });
});
