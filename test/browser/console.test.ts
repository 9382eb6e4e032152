import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import postgres from "postgres";
import { CHANGES_CHANNEL } from "../../src/db/changes";
import { createTestDatabaseUrl } from "../helpers/cluster";
import { json } from "../helpers/json";
import { type AppProcess, startAppProcess, waitForStatus } from "../helpers/process";
import { chromiumPath, launchChromium } from "./chromium";

const TOKEN = "browser-api-token-0123456789";
const RESULTS = "test-results";

// The console as an operator meets it: a real server on a fresh database, Debian's Chromium, the stream live.
describe.skipIf(!chromiumPath && !process.env.CI)("the console in Chromium", () => {
  let app: AppProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  let page: Page;
  let listener: postgres.Sql;
  const notified: { topic: string; at: number }[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    const url = await createTestDatabaseUrl();
    listener = postgres(url, { max: 1 });
    // Each commit's NOTIFY reaches this connection when the commit happens: the moment a change exists.
    await listener.listen(CHANGES_CHANNEL, (topic) => notified.push({ topic, at: Date.now() }));
    app = await startAppProcess({
      DATABASE_URL: url,
      API_TOKEN: TOKEN,
      SERVICES: "",
      EXCHANGE_SYNC_START_DELAY_MS: "0",
    });
    await waitForStatus(`${app.baseUrl}/health`);
    browser = await launchChromium();
    context = browser.context;
    page = await context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await listener?.end();
  });

  test("a fresh start explains itself; the editor adds a watchlist item; a worker's commit shows within a second", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.waitForSelector("#connection.ok", { timeout: 10_000 });
    const empty = await page.textContent("#watchlist");
    expect(empty).toContain("The watchlist is empty — add BTC_USDT");
    expect(await page.textContent("#balances")).toContain("No balances yet");

    // The token is entered once and kept by the browser.
    await page.fill("#token", TOKEN);
    await page.click("#token-form button[type=submit]");
    expect(await page.evaluate('localStorage.getItem("atp.token")')).toBe(TOKEN);

    await page.fill("#add-symbol", "eth_usdt");
    await page.fill("#add-amount", "25");
    await page.click("#watchlist-add button[type=submit]");
    await page.waitForSelector('tr[data-symbol="ETH_USDT"]', { timeout: 5000 });
    const added = await json(await fetch(`${app.baseUrl}/api/watchlist/ETH_USDT`));
    expect(added).toMatchObject({ symbol: "ETH_USDT", trade_amount_usd: "25", alert_enabled: true });

    // Editing: take profit 5 %, trading on.
    await page.fill('tr[data-symbol="ETH_USDT"] [data-field="take_profit_pct"]', "5");
    await page.click('tr[data-symbol="ETH_USDT"] [data-save]');
    await page.check('tr[data-symbol="ETH_USDT"] [data-toggle="trade_enabled"]');
    // The stream brings the saved state back into the row.
    // (Page functions are strings: this project's TypeScript has no DOM library.)
    await page.waitForFunction(
      'document.querySelector("#watchlist-table tr[data-symbol=ETH_USDT]") && !document.querySelector("[data-pending]")',
      undefined,
      { timeout: 5000 },
    );
    let saved = await json(await fetch(`${app.baseUrl}/api/watchlist/ETH_USDT`));
    for (let i = 0; i < 50 && !saved.trade_enabled; i++) {
      await Bun.sleep(100);
      saved = await json(await fetch(`${app.baseUrl}/api/watchlist/ETH_USDT`));
    }
    expect(saved).toMatchObject({ trade_enabled: true, take_profit_pct: "5" });

    // A worker's commit: start exchange_sync from the Services panel; its balances commit announces itself.
    await page.evaluate(`{
      const root = document.getElementById("balances");
      new MutationObserver(() => {
        if (root.querySelector("table") && !("balancesAt" in window)) window.balancesAt = Date.now();
      }).observe(root, { childList: true, subtree: true });
    }`);
    await page.click('[data-service="exchange_sync"][data-action="start"]');
    await page.waitForFunction('"balancesAt" in window', undefined, { timeout: 20_000 });
    const shownAt = (await page.evaluate("window.balancesAt")) as number;
    const committed = notified.find((n) => n.topic === "balances");
    expect(committed).toBeDefined();
    const lagMs = shownAt - (committed as { at: number }).at;
    console.info(`worker commit → page: ${lagMs} ms`);
    expect(lagMs).toBeLessThan(1000);
    expect(await page.textContent("#balances")).toContain("USDT");

    await page.screenshot({ path: `${RESULTS}/console.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  test("going live needs LIVE typed out", async () => {
    await page.click('[data-mode="live"]');
    expect(await page.isDisabled("#confirm-live-ok")).toBe(true);
    await page.fill("#confirm-live-text", "yes");
    expect(await page.isDisabled("#confirm-live-ok")).toBe(true);
    await page.click("#confirm-live button[value=cancel]");
    expect((await json(await fetch(`${app.baseUrl}/api/trading/mode`))).live_trading).toBe(false);
  });

  test("/docs renders the API reference from this server", async () => {
    const docs = await context.newPage();
    const external: string[] = [];
    docs.on("request", (request) => {
      if (!request.url().startsWith(app.baseUrl) && !request.url().startsWith("data:")) external.push(request.url());
    });
    await docs.goto(`${app.baseUrl}/docs`);
    await docs.waitForSelector(".swagger-ui .info .title", { timeout: 15_000 });
    expect(await docs.textContent(".swagger-ui .info .title")).toContain("ATP");
    expect(await docs.locator(".opblock").count()).toBeGreaterThan(30);
    await docs.screenshot({ path: `${RESULTS}/docs.png` });
    expect(external).toEqual([]);
    await docs.close();
  }, 30_000);
});
