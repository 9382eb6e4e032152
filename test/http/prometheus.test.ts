import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";

const promtool = Bun.which("promtool");

/** `promtool check metrics` on a text: its exit code and what it printed (problems are printed, one a line). */
async function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn([promtool as string, "check", "metrics"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  proc.stdin.write(text);
  await proc.stdin.end();
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: `${stdout}${stderr}`.trim() };
}

describe("/metrics/prometheus", async () => {
  const database = await createTestDatabase();
  const services = {
    statuses: () => [
      {
        name: "exchange_sync",
        state: "running" as const,
        enabled: true,
        last_run_at: new Date(Date.now() - 2000).toISOString(),
        last_success_at: new Date(Date.now() - 2000).toISOString(),
        last_error: null,
        restarts: 0,
      },
    ],
  };
  const { app, lag } = createTestApp(database, { services });
  afterAll(async () => {
    lag.stop();
    await database.close();
  });

  await database.sql`insert into exchange_balances (asset, free, locked, total, usd_value, updated_at)
    values ('USDT', 1000.5, 0, 1000.5, 1000.5, now()), ('BTC', 0.1, 0, 0.1, 6000.25, now())`;
  await database.sql`insert into portfolio_loans (currency, borrowed_amount, borrowed_usd, is_active)
    values ('USDT', 500, 500.25, true)`;

  const scrape = async () => {
    await app.request("/ping_fast");
    await app.request("/api/dashboard/state");
    await app.request("/no/such/route");
    return await (await app.request("/metrics/prometheus")).text();
  };

  test("has HELP and TYPE for every family, counters end in _total, base units only", async () => {
    const text = await scrape();
    const families = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => m[1]));
    const helped = new Set([...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]));
    expect([...families].sort()).toEqual([...helped].sort());
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
      if (type === "counter") expect(name).toEndWith("_total");
      expect(name).not.toMatch(/_ms$|_millis|_kb$|_mb$/);
    }
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
      const name = line.split(/[{ ]/)[0] as string;
      const family = name.replace(/_(bucket|sum|count)$/, "");
      expect(families.has(name) || families.has(family)).toBe(true);
    }
  });

  test("exposes 5xx counts, the trading gauges and each service's age since its last success", async () => {
    const text = await scrape();
    expect(text).toMatch(/^atp_http_server_errors_total\{route="GET \/ping_fast"\} 0$/m);
    expect(text).toMatch(/^atp_portfolio_assets_usd 7000\.75$/m);
    expect(text).toMatch(/^atp_portfolio_loans_usd 500\.25$/m);
    expect(text).toMatch(/^atp_portfolio_net_usd 6500\.50$/m);
    expect(text).toMatch(/^atp_open_orders 0$/m);
    expect(text).toMatch(/^atp_signals_last_hour 0$/m);
    expect(text).toMatch(/^atp_orders_last_hour 0$/m);
    const age = Number(/^atp_service_last_success_age_seconds\{service="exchange_sync"\} (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(1);
    expect(age).toBeLessThan(60);
  });

  test.skipIf(!promtool && !process.env.CI)("promtool check metrics passes without a warning", async () => {
    expect(promtool).toBeTruthy();
    const { code, output } = await promtoolCheck(await scrape());
    expect(output).toBe("");
    expect(code).toBe(0);
  });
});
