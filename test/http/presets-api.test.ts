import { afterAll, describe, expect, test } from "bun:test";
import { BUILTIN_PRESETS } from "../../src/domain/strategy";
import { API_TOKEN, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

const swing = BUILTIN_PRESETS["swing-conservative"];

describe("GET/PUT /api/strategy/presets", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });
  const put = (name: string, body: unknown) =>
    app.request(`/api/strategy/presets/${name}`, { method: "PUT", headers: jsonHeaders(), body: JSON.stringify(body) });

  test("the six built-ins, each with every field", async () => {
    const body = await json(await app.request("/api/strategy/presets"));
    expect(body.presets.map((p: { name: string }) => p.name)).toEqual(Object.keys(BUILTIN_PRESETS));
    expect(body.presets[0]).toEqual({ name: "swing-conservative", builtin: true, rules: swing, updated_at: null });
    const one = await json(await app.request("/api/strategy/presets/scalp-aggressive"));
    expect(one.rules).toEqual(BUILTIN_PRESETS["scalp-aggressive"]);
  });

  test("an operator preset is stored, listed after the built-ins, and replaced by another PUT", async () => {
    const created = await put("my-swing", { ...swing, rsi_buy_below: 42, take_profit: { unit: "atr", value: "2.5" } });
    expect(created.status).toBe(200);
    expect(await json(created)).toMatchObject({ name: "my-swing", builtin: false, rules: { rsi_buy_below: 42 } });
    expect((await put("my-swing", { ...swing, rsi_buy_below: 38 })).status).toBe(200);
    const list = await json(await app.request("/api/strategy/presets"));
    expect(list.presets.at(-1)).toMatchObject({
      name: "my-swing",
      builtin: false,
      rules: { ...swing, rsi_buy_below: 38 },
    });
    const [row] = await database.sql`select rules from strategy_presets where name = 'my-swing'`;
    expect(row?.rules.rsi_buy_below).toBe(38);
  });

  test("a preset that can never fire or always fires is a clear 400", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ rsi_buy_below: 70, rsi_sell_above: 60 }, /rsi_buy_below 70 ≥ rsi_sell_above 60/],
      [{ rsi_buy_below: 0 }, /BUY could never fire/],
      [{ rsi_sell_above: 100 }, /SELL could never fire/],
    ];
    for (const [change, message] of cases) {
      const res = await put("broken", { ...swing, ...change });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe("preset_refused");
      expect(body.error.message).toMatch(message);
      expect(body.error.details.length).toBeGreaterThan(0);
    }
    expect((await app.request("/api/strategy/presets/broken")).status).toBe(404);
  });

  test("built-ins cannot be replaced; fields are validated; unknown names are 404", async () => {
    const builtin = await put("swing-conservative", { ...swing, rsi_buy_below: 30 });
    expect(builtin.status).toBe(400);
    expect((await json(builtin)).error.message).toMatch(/built-in preset and cannot be replaced/);
    const missing = await put("partial", { rsi_buy_below: 30 });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.code).toBe("validation_failed");
    const extra = await put("extra", { ...swing, surprise: true });
    expect(extra.status).toBe(400);
    const badName = await put("Bad_Name", swing);
    expect(badName.status).toBe(400);
    expect((await app.request("/api/strategy/presets/nope")).status).toBe(404);
  });
});
