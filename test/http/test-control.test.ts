import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

describe("POST/DELETE /api/test/paper/prices", async () => {
  const database = await createTestDatabase();
  const on = createTestApp(database, { env: { API_TOKEN, ENABLE_TEST_ENDPOINTS: "true" } });
  const off = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    on.close();
    off.close();
    await database.close();
  });
  const pin = (app: typeof on.app, body: unknown) =>
    app.request("/api/test/paper/prices", { method: "POST", headers: jsonHeaders(), body: JSON.stringify(body) });
  const unpin = (app: typeof on.app, symbol: string) =>
    app.request("/api/test/paper/prices", {
      method: "DELETE",
      headers: jsonHeaders(),
      body: JSON.stringify({ symbol }),
    });

  test("pins a paper symbol's price for every process on the database, until DELETE", async () => {
    const res = await pin(on.app, { symbol: "BTC_USDT", price: "50000" });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ symbol: "BTC_USDT", price: "50000" });
    const [row] = await database.sql`select price::text from paper_prices where symbol = 'BTC_USDT'`;
    expect(row?.price).toBe("50000");
    expect((await unpin(on.app, "BTC_USDT")).status).toBe(200);
    expect((await unpin(on.app, "BTC_USDT")).status).toBe(404);
  });

  test("bad input is a 400 and writes nothing; an unlisted symbol too", async () => {
    for (const body of [
      { symbol: "BTC_USDT", price: "-1" },
      { symbol: "BTC_USDT", price: 50000 },
      { symbol: "BTC_USDT", price: "50000.123456789" },
      { symbol: "NOPE_USDT", price: "1" },
      { symbol: "BTC_USDT", price: "1", extra: true },
    ]) {
      expect((await pin(on.app, body)).status).toBe(400);
    }
    expect((await database.sql`select 1 from paper_prices`).length).toBe(0);
  });

  test("without ENABLE_TEST_ENDPOINTS the paths do not exist", async () => {
    expect((await pin(off.app, { symbol: "BTC_USDT", price: "50000" })).status).toBe(404);
    expect((await unpin(off.app, "BTC_USDT")).status).toBe(404);
  });
});
