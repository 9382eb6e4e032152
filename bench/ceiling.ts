/**
 * The ceiling: a bare Bun.serve answering every request with one pre-built JSON body of an exact byte size.
 * No routing, no middleware, no I/O — the fastest any Bun server can return that many bytes here, so the
 * dashboard's throughput is judged as a ratio to it. It sends its body the way ATP sends the cached
 * dashboard (a Blob built once, whose bytes each Response shares), so only the server's own work differs.
 *
 * Run as its own process: `bun bench/ceiling.ts <port> <bytes>` (identity JSON), or
 * `bun bench/ceiling.ts <port> <file> <coding>` (the bytes of `file`, sent with `Content-Encoding: <coding>`:
 * the same pre-compressed bytes ATP serves). It prints `ready` once listening.
 */

/** A valid JSON document of exactly `bytes` bytes (at least 2). */
export function ceilingBody(bytes: number): string {
  const frame = '{"pad":""}';
  if (bytes < frame.length) return `"${"x".repeat(Math.max(0, bytes - 2))}"`;
  return `{"pad":"${"x".repeat(bytes - frame.length)}"}`;
}

if (import.meta.main) {
  const [portArg, what, coding] = process.argv.slice(2);
  const port = Number(portArg);
  const bytes = Number(what);
  const fromFile = coding !== undefined;
  if (!Number.isInteger(port) || (!fromFile && (!Number.isInteger(bytes) || bytes < 2))) {
    console.error("usage: bun bench/ceiling.ts <port> <bytes> | <port> <file> <coding>");
    process.exit(2);
  }
  const body = fromFile ? new Blob([await Bun.file(what as string).arrayBuffer()]) : new Blob([ceilingBody(bytes)]);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (fromFile) headers["Content-Encoding"] = coding;
  Bun.serve({
    port,
    hostname: "127.0.0.1",
    development: false,
    fetch: () => new Response(body, { headers }),
  });
  console.log("ready");
}
