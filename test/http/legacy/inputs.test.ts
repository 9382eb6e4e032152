import { afterAll, describe, expect, test } from "bun:test";
import { LEGACY_INPUTS } from "../../../src/http/routes/legacy/inputs";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

describe("the legacy routes' declared inputs", async () => {
  const database = await createTestDatabase();
  const { app, config, close } = createTestApp(database, { env: { ENABLE_TEST_ENDPOINTS: "true" } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("list exactly the registered legacy routes", () => {
    const prefix = config.LEGACY_API_PREFIX;
    const registered = new Set(
      app.routes
        .filter((r) => METHODS.has(r.method) && r.path.startsWith(`${prefix}/`))
        .map((r) => `${r.method} ${r.path.slice(prefix.length)}`),
    );
    const declared = new Set(LEGACY_INPUTS.map(([method, path]) => `${method.toUpperCase()} ${path}`));
    expect([...registered].filter((r) => !declared.has(r)).sort()).toEqual([]);
    expect([...declared].filter((d) => !registered.has(d)).sort()).toEqual([]);
  });

  test("an undeclared query parameter or a body to a route that takes none is a 400 with a detail", async () => {
    const unknown = await app.request("/legacy/api/dashboard?unknown=1");
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).detail).toContain("unknown");
    const body = await app.request("/legacy/api/loans?exchange=x");
    expect(body.status).toBe(400);
    expect((await app.request("/legacy/api/orders/history?limit=5&offset=0")).status).toBe(200);
  });
});
