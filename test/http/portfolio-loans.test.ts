import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

describe("portfolio API", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("before any valuation the totals are zero, the lists empty and valued_at null", async () => {
    expect(await json(await app.request("/api/portfolio"))).toEqual({
      assets: [],
      loans: [],
      total_assets_usd: "0",
      total_borrowed_usd: "0",
      net_usd: "0",
      valued_at: null,
    });
  });

  test("held balances with USD value and share, active loans, their totals, the latest valuation's time", async () => {
    await database.sql`insert into exchange_balances (asset, free, locked, total, usd_value) values
      ('USDT', 6000, 0, 6000, 6000), ('BTC', 0.05, 0, 0.05, 3000), ('DOGE', 0, 0, 0, 0), ('XYZ', 5, 0, 5, null)`;
    await database.sql`insert into portfolio_loans (currency, borrowed_amount, borrowed_usd, is_active) values
      ('ETH', 0.5, 1500, true), ('SOL', 1, 150, false)`;
    await database.sql`insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd, taken_at) values
      (1, 0, 1, '2025-01-01T00:00:00Z'), (9000, 1500, 7500, '2025-01-02T00:00:00Z')`;
    const body = await json(await app.request("/api/portfolio"));
    expect(body).toMatchObject({
      total_assets_usd: "9000",
      total_borrowed_usd: "1500",
      net_usd: "7500",
      valued_at: "2025-01-02T00:00:00.000Z",
    });
    expect(body.assets.map((a: { asset: string; share_pct: string | null }) => [a.asset, a.share_pct])).toEqual([
      ["USDT", "66.67"],
      ["BTC", "33.33"],
      ["XYZ", null],
    ]);
    expect(body.loans.map((l: { currency: string }) => l.currency)).toEqual(["ETH"]);
  });

  test("history is bounded, oldest first, and filtered by time", async () => {
    await database.sql`insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd, taken_at)
      select g, 0, g, timestamptz '2025-02-01T00:00:00Z' + g * interval '1 minute' from generate_series(1, 30) as g`;
    const latest = await json(await app.request("/api/portfolio/history?limit=5"));
    expect(latest.snapshots.map((s: { net_usd: string }) => s.net_usd)).toEqual(["26", "27", "28", "29", "30"]);
    const range = await json(
      await app.request("/api/portfolio/history?from=2025-02-01T00:10:00Z&to=2025-02-01T00:13:00Z"),
    );
    expect(range.snapshots.map((s: { net_usd: string }) => s.net_usd)).toEqual(["10", "11", "12"]);
    expect((await app.request("/api/portfolio/history?limit=5001")).status).toBe(400);
    expect((await app.request("/api/portfolio/history?from=yesterday")).status).toBe(400);
  });
});

describe("loans API", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });
  const send = (method: string, path: string, body?: unknown) =>
    app.request(path, { method, headers: jsonHeaders(), body: body === undefined ? undefined : JSON.stringify(body) });

  test("create, read, list, change and delete a loan", async () => {
    const created = await send("POST", "/api/loans", {
      currency: "USDT",
      borrowed_amount: "1500.25",
      interest_rate: "7.5",
      notes: "margin",
    });
    expect(created.status).toBe(201);
    const loan = await json(created);
    expect(loan).toMatchObject({
      currency: "USDT",
      borrowed_amount: "1500.25",
      borrowed_usd: "0",
      interest_rate: "7.5",
      is_active: true,
      auto_detected: false,
      notes: "margin",
    });
    expect(await json(await app.request(`/api/loans/${loan.id}`))).toEqual(loan);

    const changed = await send("PATCH", `/api/loans/${loan.id}`, { is_active: false, interest_rate: null });
    expect(await json(changed)).toMatchObject({ is_active: false, interest_rate: null, borrowed_amount: "1500.25" });
    expect((await json(await app.request("/api/loans?active=true"))).loans).toEqual([]);
    expect((await json(await app.request("/api/loans?active=false"))).loans).toHaveLength(1);

    expect((await send("POST", "/api/loans", { currency: "USDT", borrowed_amount: "1" })).status).toBe(409);

    expect((await app.request(`/api/loans/${loan.id}`, { method: "DELETE", headers: bearer() })).status).toBe(204);
    expect((await app.request(`/api/loans/${loan.id}`)).status).toBe(404);
    expect((await send("PATCH", `/api/loans/${loan.id}`, { notes: "x" })).status).toBe(404);
  });

  const invalid: [string, string][] = [
    ["id 0", "/api/loans/0"],
    ["id not a number", "/api/loans/abc"],
    ["id beyond 2^53", "/api/loans/9007199254740993"],
  ];
  test.each(invalid)("%s is a 400", async (_name, path) => {
    expect((await app.request(path)).status).toBe(400);
  });
});
