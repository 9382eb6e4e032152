/**
 * The ceiling: a bare Bun.serve answering every request with one pre-built JSON body of an exact byte size.
 * No routing, no middleware, no I/O — the fastest any Bun server can return that many bytes here, so the
 * dashboard's throughput is judged as a ratio to it.
 *
 * Run as its own process: `bun bench/ceiling.ts <port> <bytes>`; it prints `ready` once listening.
 */

/** A valid JSON document of exactly `bytes` bytes (at least 2). */
export function ceilingBody(bytes: number): string {
  const frame = '{"pad":""}';
  if (bytes < frame.length) return `"${"x".repeat(Math.max(0, bytes - 2))}"`;
  return `{"pad":"${"x".repeat(bytes - frame.length)}"}`;
}

if (import.meta.main) {
  const [port, bytes] = process.argv.slice(2).map(Number);
  if (!Number.isInteger(port) || !Number.isInteger(bytes) || (bytes as number) < 2) {
    console.error("usage: bun bench/ceiling.ts <port> <bytes>");
    process.exit(2);
  }
  const body = ceilingBody(bytes as number);
  Bun.serve({
    port,
    hostname: "127.0.0.1",
    development: false,
    fetch: () => new Response(body, { headers: { "Content-Type": "application/json" } }),
  });
  console.log("ready");
}
