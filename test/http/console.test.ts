import { afterAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";

describe("the console's files", async () => {
  const database = await createTestDatabase();
  const { app, lag } = createTestApp(database);
  afterAll(async () => {
    lag.stop();
    await database.close();
  });

  test("/ is the page (style inlined), revalidated by ETag, linking a content-hashed script", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    // A document: the policies browsers read on pages, besides those of every answer.
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("origin-agent-cluster")).toBe("?1");
    expect(res.headers.has("x-xss-protection")).toBe(false);
    const html = await res.text();
    const script = /src="(\/assets\/main-[a-z0-9]+\.js)"/.exec(html)?.[1];
    expect(html).toContain("<style>");
    expect(script).toBeDefined();
    const etag = res.headers.get("etag") as string;
    expect((await app.request("/", { headers: { "if-none-match": etag } })).status).toBe(304);

    const js = await app.request(script as string, { headers: { "accept-encoding": "gzip" } });
    expect(js.headers.get("content-encoding")).toBe("gzip");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(js.headers.get("vary")).toBe("Accept-Encoding");
    expect(js.headers.has("referrer-policy")).toBe(false);
    const source = gunzipSync(new Uint8Array(await js.arrayBuffer())).toString();
    expect(source).toContain("/api/dashboard/stream-ticket");
    const br = await app.request(script as string, { headers: { "accept-encoding": "br, gzip" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect((await app.request("/assets/nothing.js")).status).toBe(404);
  });

  test("/docs is Swagger UI served from this server, not a CDN", async () => {
    const docs = await app.request("/docs");
    expect(docs.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await docs.text();
    expect(html).toContain('src="/docs/assets/swagger-ui-bundle.js"');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await app.request("/docs/assets/swagger-ui-bundle.js", { headers: { "accept-encoding": "br" } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-encoding")).toBe("br");
  });
});
