import { afterAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import { API_OPERATIONS } from "../../src/http/docs";
import type { OperationDoc } from "../../src/http/openapi";
import { legacyInputs } from "../../src/http/routes/legacy/inputs";
import { unstorableText } from "../../src/http/validation";
import { API_TOKEN, bearer, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { testPaperExchange } from "../helpers/trading";
import { fillPath, paramValues, registeredRoutes, seedSamples } from "./route-samples";

/**
 * Bad input generated for every route the app registers (walked from `app.routes`, described by the OpenAPI
 * registry), so a new route is covered without touching this file: malformed JSON, wrong types, unknown
 * fields, huge/negative numbers, NaN/Infinity, NUL bytes, lone surrogates, overlong strings, bad symbols,
 * oversized and chunked bodies, bad path and query parameters. Every answer is a clear 4xx with the error
 * envelope, and no table changes (one checksum query over every table, per route).
 */
describe("bad input on every route: a 4xx, never a 5xx, nothing written", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const { app, config, close } = createTestApp(database, {
    exchange: paper,
    env: { API_TOKEN, ENABLE_TEST_ENDPOINTS: "true" },
  });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });

  const { loan, params: PARAMS, bodies: BODIES } = await seedSamples(app, config);

  const TABLES = (
    await database.sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public'`
  ).map((t) => t.name);
  // One query: a checksum of every table's rows (a count would miss an update).
  const checksum = async () => {
    const parts = TABLES.map(
      (t) => `select '${t}' as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${t}" x`,
    );
    const rows = await database.sql.unsafe<{ t: string; h: string }[]>(parts.join(" union all "));
    return Object.fromEntries(rows.map((r) => [r.t, r.h]));
  };

  const legacyPrefix = `${config.LEGACY_API_PREFIX || "/no-legacy-prefix"}/`;
  const routes = registeredRoutes(app);
  // ATP's routes are described by the OpenAPI registry, the legacy adapter's by its own input table.
  type Declared = Pick<OperationDoc, "method" | "path" | "params" | "query" | "headers" | "body">;
  const declared: Declared[] = [...API_OPERATIONS, ...legacyInputs(config.LEGACY_API_PREFIX)];
  const docOf = new Map(declared.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));

  interface Case {
    what: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string | ReadableStream<Uint8Array>;
  }

  const BAD_NUMBERS: unknown[] = [1e308, -1, -0, 1.5, 2 ** 53 + 1, 0, 1e21, -1e308];
  const BAD_STRINGS = ["", " ", "NaN", "Infinity", "-Infinity", "1e999", "-1", " 1", "+2", "0x2", "2e0", "1.0"];
  const BAD_SYMBOLS = ["btc_usdt", "BTC-USDT", "BTC_USDT ", "BTCUSDT", "../etc/passwd", "BTC_USDT'; drop table x;--"];
  const BAD_SHAPES: unknown[] = [true, null, [], {}, [1], { a: 1 }, "x".repeat(10_000)];
  const POISON = ["a\u0000b", "\ud800", "x\udfffy", "BTC\u0000_USDT"];
  const RAW_BODIES = ["{", '{"a":', "NaN", '{"x": NaN}', '{"x": Infinity}', "[1,2", "'single'", "", "\u0000"];
  const NOT_OBJECTS = ["[]", "null", "1", '"s"', "true"];

  const accepts = (schema: z.ZodType | undefined, value: unknown) => {
    if (!schema) return false;
    const result = schema.safeParse(value);
    return result.success && unstorableText(result.data) === undefined;
  };
  const propertiesOf = (schema: z.ZodType | undefined) =>
    schema
      ? Object.keys((z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }).properties ?? {}) as object)
      : [];

  function casesOf(route: string): Case[] {
    const [method, template] = route.split(" ") as [string, string];
    const op: Declared | undefined = docOf.get(route);
    const names = [...template.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    const good = paramValues(PARAMS, route);
    const pathWith = (values: Record<string, string>) => fillPath(template, values);
    const path = pathWith(Object.fromEntries(names.map((n) => [n, encodeURIComponent(good[n] as string)])));
    const base = BODIES[route] ?? {};
    const takesBody = op?.body !== undefined;
    if (takesBody && !accepts(op?.body, base) && BODIES[route]) throw new Error(`${route}: BODIES entry is invalid`);
    const headers = takesBody ? jsonHeaders() : bearer();
    const body = takesBody ? JSON.stringify(base) : undefined;
    const cases: Case[] = [];
    const add = (what: string, c: Partial<Case>) => cases.push({ what, method, path, headers, body, ...c });

    // The legacy adapter's routes are outside the registry: the replaced frontend's contract, not ATP's.
    if (!template.startsWith(legacyPrefix)) add("unknown query parameter", { path: `${path}?unknown=1` });
    if (op)
      add("unknown query parameter among known ones", {
        path: `${path}?unknown=1&${propertiesOf(op?.query)[0] ?? "x"}=1`,
      });

    for (const name of names) {
      const v = encodeURIComponent(good[name] as string);
      const variants = [
        `%20${v}`,
        `${v}%20`,
        `%2B${v}`,
        `+${v}`,
        `0x${v}`,
        `${v}e0`,
        `${v}.0`,
        `-${v}`,
        `${v}%00`,
        "%00",
        `${v}%ED%A0%80`,
        "%ED%A0%80",
        `%2E%2E%2F${v}`,
        "9".repeat(40),
        "A".repeat(5000),
        "NaN",
        "Infinity",
        "%20",
      ];
      for (const variant of variants) {
        // A variant the route's own schema takes is a valid request (a PUT may create that name).
        if (accepts(op?.params, { ...good, [name]: decodeLoosely(variant) })) continue;
        add(`:${name} = ${variant.slice(0, 20)}`, { path: pathWith({ ...good, [name]: variant }) });
      }
    }

    for (const name of propertiesOf(op?.query)) {
      const values = [...BAD_STRINGS, ...BAD_SYMBOLS, ...POISON, "9".repeat(400), "x".repeat(5000)];
      for (const value of values) {
        if (accepts(op?.query, { [name]: value })) continue;
        add(`?${name}=${value.slice(0, 20)}`, { path: `${path}?${name}=${encodeLoosely(value)}` });
      }
      add(`?${name} twice`, { path: `${path}?${name}=1&${name}=1` });
    }

    for (const name of propertiesOf(op?.headers)) {
      for (const value of ["x".repeat(300), "a b", "sig-1", "a/b", "", "ü"]) {
        if (accepts(op?.headers, { [name]: value })) continue;
        add(`header ${name}: ${value.slice(0, 20)}`, { headers: { ...headers, [name]: value } });
      }
    }

    if (takesBody) {
      for (const raw of [...RAW_BODIES, ...NOT_OBJECTS]) add(`body ${JSON.stringify(raw)}`, { body: raw });
      add("body as text/plain", { headers: { ...bearer(), "Content-Type": "text/plain" } });
      add("body without a content type", { headers: bearer() });
      add("unknown field", { body: JSON.stringify({ ...base, unknown_field: 1 }) });
      add("NUL in a key", { body: JSON.stringify({ ...base, "a\u0000": 1 }) });
      for (const name of propertiesOf(op?.body)) {
        for (const value of [...BAD_NUMBERS, ...BAD_STRINGS, ...BAD_SYMBOLS, ...BAD_SHAPES]) {
          const candidate = { ...base, [name]: value };
          if (accepts(op?.body, candidate)) continue;
          add(`.${name} = ${JSON.stringify(value).slice(0, 20)}`, { body: JSON.stringify(candidate) });
        }
        // Text no column can store is refused whatever the field's schema says.
        for (const value of POISON) {
          add(`.${name} = ${JSON.stringify(value)}`, { body: JSON.stringify({ ...base, [name]: value }) });
        }
        add(`.${name} as a raw NaN`, { body: JSON.stringify(base).replace(/^\{/, `{"${name}": NaN,`) });
      }
      const oversized = JSON.stringify({ ...base, pad: "x".repeat(config.BODY_LIMIT_BYTES) });
      add("oversized body", { body: oversized });
      add("oversized chunked body", { body: chunked(oversized) });
      add("chunked body with an unknown field", { body: chunked(JSON.stringify({ ...base, unknown_field: 1 })) });
      add("chunked malformed body", { body: chunked('{"a": ') });
    } else if (method !== "GET" && op) {
      add("a body on a route that takes none", {
        headers: jsonHeaders(),
        body: JSON.stringify({ unknown_field: 1 }),
      });
    }
    return cases;
  }

  const counts = { sent: 0, clientErrors: 0, serverErrors: 0, tablesChanged: 0 };
  afterAll(() => {
    console.log(
      `bad input: ${counts.sent} sent, ${counts.clientErrors} 4xx, ${counts.serverErrors} 5xx, ${counts.tablesChanged} tables changed`,
    );
  });

  test("every registered route is fuzzed, each answer a 4xx error envelope, no table changed", async () => {
    expect(routes.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const route of routes) {
      const cases = casesOf(route);
      const before = await checksum();
      const answers = await Promise.all(
        cases.map(async (c) => {
          const res = await app.request(c.path, {
            method: c.method,
            headers: c.headers,
            body: c.body,
            ...(c.body instanceof ReadableStream ? { duplex: "half" } : {}),
          } as RequestInit);
          // A stream that opened would never end: read a bounded first part only.
          const text = await Promise.race([res.text(), Bun.sleep(2000).then(() => "(no end)")]);
          return { c, status: res.status, text };
        }),
      );
      for (const { c, status, text } of answers) {
        counts.sent++;
        if (status >= 500) counts.serverErrors++;
        if (status >= 400 && status < 500) counts.clientErrors++;
        let code: unknown;
        try {
          const parsed = JSON.parse(text);
          // The legacy adapter speaks the replaced frontend's `{"detail": …}`.
          code = route.includes(legacyPrefix) ? parsed.detail && "detail" : parsed.error?.code;
        } catch {
          code = undefined;
        }
        if (status < 400 || status >= 500 || typeof code !== "string") {
          problems.push(`${route} ${c.what}: ${status} ${text.slice(0, 120)}`);
        }
      }
      const after = await checksum();
      const changed = TABLES.filter((t) => before[t] !== after[t]);
      counts.tablesChanged += changed.length;
      if (changed.length > 0) problems.push(`${route}: wrote to ${changed.join(", ")}`);
    }
    expect(problems).toEqual([]);
    expect(counts.sent).toBeGreaterThan(1000);
  });

  test("numeric ids are digits only: ' 1', +2, 0x2, 2e0 never reach the row", async () => {
    for (const variant of [`%20${loan.id}`, `+${loan.id}`, `0x${loan.id}`, `${loan.id}e0`, `0${loan.id}`]) {
      const res = await app.request(`/api/loans/${variant}`, { headers: bearer() });
      expect([variant, res.status]).toEqual([variant, 400]);
    }
    expect((await app.request(`/api/loans/${loan.id}`, { headers: bearer() })).status).toBe(200);
  });

  test("an unknown query parameter is refused before the handler: DELETE /api/loans/:id?unknown=1 deletes nothing", async () => {
    const res = await app.request(`/api/loans/${loan.id}?unknown=1`, { method: "DELETE", headers: bearer() });
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: "unknown", message: "unknown query parameter" }]);
    expect((await app.request(`/api/loans/${loan.id}`, { headers: bearer() })).status).toBe(200);
  });
});

/** A body sent in two chunks with no Content-Length (Transfer-Encoding: chunked on a real socket). */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const half = Math.floor(bytes.length / 2);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice(0, half));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
}

/** encodeURIComponent, with a lone surrogate sent as its (invalid) three UTF-8-style bytes instead of throwing. */
function encodeLoosely(value: string): string {
  return [...value]
    .map((ch) => {
      const unit = ch.charCodeAt(0);
      if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
        return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join("");
      }
      return encodeURIComponent(ch);
    })
    .join("");
}

/** decodeURIComponent, or the text as is where it does not decode (as Hono treats a path). */
function decodeLoosely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
