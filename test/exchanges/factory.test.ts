import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "../../src/db/client";
import { createExchangeClient, retryPolicyFromConfig } from "../../src/exchanges";
import { createLogger } from "../../src/lib/logger";
import { testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { startFakeCryptocom } from "../helpers/fake-cryptocom";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("createExchangeClient", () => {
  test("paper by default, from the PAPER_* settings", async () => {
    const config = testConfig({ PAPER_START_BALANCES: "USDT:123.45", PAPER_SEED: "factory" });
    const client = await createExchangeClient(config, { sql: database.sql, now: () => Date.UTC(2025, 5, 1) });
    expect(client).toMatchObject({ name: "paper", live: false });
    expect(await client.fetchBalances()).toEqual([{ asset: "USDT", free: "123.45", locked: "0", total: "123.45" }]);
    await client.close();
  });

  test("ccxt when EXCHANGE=ccxt, pointed at EXCHANGE_API_URL, with retries logged", async () => {
    const fake = startFakeCryptocom();
    try {
      const config = testConfig({
        EXCHANGE: "ccxt",
        EXCHANGE_API_KEY: fake.apiKey,
        EXCHANGE_API_SECRET: "secret",
        EXCHANGE_API_URL: fake.url,
        EXCHANGE_RATE_LIMIT: "false",
        EXCHANGE_RETRY_BASE_MS: "1",
      });
      const lines: Record<string, unknown>[] = [];
      const log = createLogger({ level: "warn", format: "json", write: (line) => lines.push(JSON.parse(line)) });
      const client = await createExchangeClient(config, { sql: database.sql, log });
      expect(client).toMatchObject({ name: "cryptocom", live: true });
      fake.inject({ kind: "server-error" }, { method: "private/user-balance" });
      expect((await client.fetchBalances()).map((b) => b.asset)).toEqual(["BTC", "ETH", "USDT"]);
      expect(lines).toMatchObject([
        { level: "warn", msg: "exchange call failed, retrying", call: "cryptocom.fetchBalances", attempt: 1 },
      ]);
      await client.close();
    } finally {
      fake.stop();
    }
  });

  test("the retry policy comes from EXCHANGE_TIMEOUT_MS and EXCHANGE_RETRY_*", () => {
    const config = testConfig({
      EXCHANGE_TIMEOUT_MS: "1500",
      EXCHANGE_RETRY_ATTEMPTS: "2",
      EXCHANGE_RETRY_BASE_MS: "10",
      EXCHANGE_RETRY_MAX_MS: "100",
    });
    expect(retryPolicyFromConfig(config)).toEqual({ attempts: 2, baseDelayMs: 10, maxDelayMs: 100, timeoutMs: 1500 });
  });
});
