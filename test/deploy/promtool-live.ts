/**
 * CI's live scrape (`bun test/deploy/promtool-live.ts`): starts ATP as `npm start` would (embedded PostgreSQL in a
 * temporary folder, exchange_sync running), serves some requests, scrapes `/metrics/prometheus` and runs
 * `promtool check metrics` on the answer. Exit 0 only when promtool prints nothing and exits 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/ports";
import { startAppProcess, waitForStatus } from "../helpers/process";

const promtool = Bun.which("promtool");
if (!promtool) {
  console.error("promtool live scrape: FAIL — no promtool on PATH (apt-get install prometheus)");
  process.exit(1);
}
const dataDir = mkdtempSync(join(tmpdir(), "atp-promtool-"));
const app = await startAppProcess({
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(await freePort()),
  SERVICES: "exchange_sync",
  EXCHANGE_SYNC_START_DELAY_MS: "0",
});
let code = 1;
try {
  await waitForStatus(`${app.baseUrl}/health`, 200, 60_000);
  for (const path of ["/ping_fast", "/health", "/api/dashboard/state", "/api/orders/open", "/nowhere"]) {
    await fetch(`${app.baseUrl}${path}`);
  }
  // Wait for a successful sync, so the per-service and trading gauges carry values.
  for (let i = 0; i < 100; i++) {
    const { services } = (await (await fetch(`${app.baseUrl}/api/services/status`)).json()) as {
      services: { last_success_at: string | null }[];
    };
    if (services.some((s) => s.last_success_at)) break;
    await Bun.sleep(200);
  }
  const text = await (await fetch(`${app.baseUrl}/metrics/prometheus`)).text();
  const check = Bun.spawn([promtool, "check", "metrics"], {
    stdin: new TextEncoder().encode(text),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, exit] = await Promise.all([
    new Response(check.stdout).text(),
    new Response(check.stderr).text(),
    check.exited,
  ]);
  const families = text.match(/^# TYPE /gm)?.length ?? 0;
  if (exit === 0 && `${out}${err}`.trim() === "") {
    console.log(`promtool live scrape: PASS — ${families} families, ${text.length} bytes, no problem reported`);
    code = 0;
  } else {
    console.error(`promtool live scrape: FAIL (exit ${exit})\n${out}${err}`);
  }
} finally {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
