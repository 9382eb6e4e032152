import { afterAll, describe, expect, test } from "bun:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { openApiPath } from "../../src/http/openapi";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

describe("/openapi.json", async () => {
  const database = await createTestDatabase();
  // Test endpoints on: every route that can exist is registered.
  const { app, lag, config } = createTestApp(database, { env: { ENABLE_TEST_ENDPOINTS: "true" } });
  afterAll(async () => {
    lag.stop();
    await database.close();
  });
  const res = await app.request("/openapi.json");
  const document = await json(res);

  test("is a valid OpenAPI 3.1 document", async () => {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(document.openapi).toBe("3.1.0");
    await SwaggerParser.validate(structuredClone(document));
  });

  // The legacy adapter (LEGACY_API_PREFIX) serves the replaced frontend's contract, not ATP's: `{"detail"}` errors,
  // JSON numbers, x-api-key. Its reference is that frontend's src/lib/api.ts and README "Using the existing
  // frontend"; test/http/legacy/ drives each of its routes. ATP's document describes ATP's API only.
  const legacyPrefix = `${config.LEGACY_API_PREFIX}/`;
  const isLegacy = (path: string) => path.startsWith(legacyPrefix);

  test("documents every registered route, and no route that does not exist", () => {
    const all = app.routes.filter((r) => METHODS.has(r.method));
    expect(all.filter((r) => isLegacy(r.path)).length).toBeGreaterThan(0);
    const registered = new Set(
      all.filter((r) => !isLegacy(r.path)).map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    );
    const documented = new Set(
      Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method} ${path}`),
      ),
    );
    expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((d) => !registered.has(d)).sort()).toEqual([]);
    expect(Object.keys(document.paths).filter(isLegacy)).toEqual([]);
    expect(registered.size).toBeGreaterThan(30);
  });

  test("each operation has its request parts, responses and the error envelope", () => {
    const watchlist = document.paths["/api/watchlist/{symbol}"].patch;
    expect(watchlist.parameters).toContainEqual(
      expect.objectContaining({ name: "symbol", in: "path", required: true }),
    );
    const body = watchlist.requestBody.content["application/json"].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(["alert_enabled", "take_profit_pct"]));
    expect(body.additionalProperties).toBe(false);
    expect(watchlist.responses["400"].$ref).toBe("#/components/responses/Error400");
    expect(watchlist.responses["401"]).toBeDefined();
    const history = document.paths["/api/orders/history"].get;
    expect(history.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["symbol", "status", "side", "limit", "cursor"]),
    );
    const order = document.paths["/api/orders"].post;
    expect(order.parameters).toContainEqual(expect.objectContaining({ name: "idempotency-key", in: "header" }));
    expect(document.paths["/ping_fast"].get.security).toEqual([]);
    expect(document.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
  });

  test("is served as cached bytes with an ETag, compressed when asked", async () => {
    const again = await app.request("/openapi.json", { headers: { "accept-encoding": "gzip, br" } });
    expect(again.headers.get("content-encoding")).toBe("br");
    const etag = again.headers.get("etag") as string;
    expect((await app.request("/openapi.json", { headers: { "if-none-match": etag } })).status).toBe(304);
  });
});
