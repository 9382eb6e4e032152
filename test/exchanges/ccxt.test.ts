import { afterEach, describe, expect, test } from "bun:test";
import Big from "big.js";
import {
  AuthenticationError,
  ExchangeError,
  RateLimitedError,
  retryAfterOf,
  TemporaryExchangeError,
} from "../../src/domain/exchange-errors";
import type { CcxtExchangeOptions } from "../../src/exchanges/ccxt/client";
import { createCcxtExchange } from "../../src/exchanges/ccxt/connect";
import { errorForHttpStatus } from "../../src/exchanges/ccxt/errors";
import { type RetryPolicy, withResilience } from "../../src/exchanges/retry";
import { type FakeCryptocom, startFakeCryptocom } from "../helpers/fake-cryptocom";
import { runExchangeContract } from "./contract";

/** The adapter pointed at a fake server: no throttling, short timeouts, no settle lag. */
function adapter(fake: FakeCryptocom, options: Partial<CcxtExchangeOptions> = {}) {
  return createCcxtExchange({
    exchangeId: "cryptocom",
    apiKey: fake.apiKey,
    secret: "test-secret",
    apiUrl: fake.url,
    enableRateLimit: false,
    timeoutMs: 2000,
    historyLookbackMs: 3 * 86_400_000,
    historySettleMs: 0,
    ...options,
  });
}

runExchangeContract("ccxt cryptocom (fake server)", async () => {
  const fake = startFakeCryptocom();
  const client = await adapter(fake);
  const start = new Big(fake.price("BTC_USDT"));
  return {
    client,
    symbol: "BTC_USDT",
    base: "BTC",
    quote: "USDT",
    restingBuyPrice: async () => start.times("0.9").toFixed(2),
    moveMarket: async () => fake.setPrice("BTC_USDT", start.times("0.8").toFixed(2)),
    setPrice: async (price) => fake.setPrice("BTC_USDT", price),
    passTime: () => Bun.sleep(3),
    close: async () => {
      await client.close();
      fake.stop();
    },
  };
});

describe("ccxt adapter behind withResilience", () => {
  const policy: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 50, timeoutMs: 5000 };
  let fake: FakeCryptocom;
  afterEach(() => fake?.stop());

  async function resilient(options: Partial<CcxtExchangeOptions> = {}) {
    fake = startFakeCryptocom();
    return withResilience(await adapter(fake, options), policy);
  }

  test("a 429 with the exchange's JSON code is retried and succeeds", async () => {
    const client = await resilient();
    fake.inject({ kind: "rate-limit" }, { method: "private/user-balance" });
    const balances = await client.fetchBalances();
    expect(balances.find((b) => b.asset === "USDT")?.free).toBe("10000");
    expect(fake.count("private/user-balance")).toBe(2);
  });

  test("a 429 with a text body is a rate limit too, and is retried", async () => {
    const client = await resilient();
    fake.inject({ kind: "rate-limit-text" }, { method: "private/user-balance", times: 2 });
    await client.fetchBalances();
    expect(fake.count("private/user-balance")).toBe(3);
  });

  test("a slow answer times out and is retried", async () => {
    const client = await resilient({ timeoutMs: 200 });
    fake.inject({ kind: "slow", ms: 600 }, { method: "private/get-open-orders" });
    expect(await client.fetchOpenOrders()).toEqual([]);
    expect(fake.count("private/get-open-orders")).toBe(2);
  });

  test("5xx and maintenance are retried", async () => {
    const client = await resilient();
    fake.inject({ kind: "server-error" }, { method: "public/get-tickers" });
    fake.inject({ kind: "maintenance" }, { method: "public/get-tickers" });
    const [ticker] = await client.fetchTickers(["BTC_USDT"]);
    expect(ticker?.last).toBe("60000");
    expect(fake.count("public/get-tickers")).toBe(3);
  });

  test("retries are bounded: a persistent outage fails as a TemporaryExchangeError", async () => {
    const client = await resilient();
    fake.inject({ kind: "server-error" }, { method: "private/user-balance", times: 10 });
    await expect(client.fetchBalances()).rejects.toBeInstanceOf(TemporaryExchangeError);
    expect(fake.count("private/user-balance")).toBe(3);
  });

  test("an authentication error is not retried: exactly one request reaches the server", async () => {
    const client = await resilient();
    fake.inject({ kind: "auth" }, { method: "private/user-balance" });
    await expect(client.fetchBalances()).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.count("private/user-balance")).toBe(1);
  });

  test("a retried createOrder places one order (idempotent on clientOid)", async () => {
    const client = await resilient({ timeoutMs: 300 });
    // The exchange accepts the order but answers too late: the retry must find it, not place another.
    fake.inject({ kind: "late", ms: 600 }, { method: "private/create-order" });
    const order = await client.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.01",
      clientOid: "retry-once",
    });
    expect(order).toMatchObject({ clientOid: "retry-once", status: "FILLED" });
    expect(fake.count("private/create-order")).toBe(1);
    const btc = (await client.fetchBalances()).find((b) => b.asset === "BTC");
    expect(btc?.total).toBe(new Big("0.5").plus("0.01").minus("0.00001").toFixed());
  });

  test("wrong keys fail the start-up with AuthenticationError", async () => {
    fake = startFakeCryptocom({ apiKey: "right" });
    await expect(adapter(fake, { apiKey: "wrong" })).rejects.toBeInstanceOf(AuthenticationError);
  });

  test("an unknown ccxt exchange id is refused", async () => {
    await expect(
      createCcxtExchange({ exchangeId: "nope", enableRateLimit: false, timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(ExchangeError);
  });
});

describe("errorForHttpStatus", () => {
  test("classifies throttling, auth and server failures; leaves the rest to the exchange's handler", () => {
    const limited = errorForHttpStatus(429, { "Retry-After": "2" }, "slow down", "x");
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(2000);
    expect(errorForHttpStatus(401, {}, "", "x")).toBeInstanceOf(AuthenticationError);
    expect(errorForHttpStatus(502, {}, "<html>", "x")).toBeInstanceOf(TemporaryExchangeError);
    expect(retryAfterOf(errorForHttpStatus(502, {}, "<html>", "x"))).toBeUndefined();
    expect(retryAfterOf(errorForHttpStatus(503, { "Retry-After": "30" }, "maintenance", "x"))).toBe(30_000);
    expect(errorForHttpStatus(408, {}, "", "x")).toBeInstanceOf(TemporaryExchangeError);
    expect(errorForHttpStatus(400, {}, '{"code":306}', "x")).toBeUndefined();
    expect(errorForHttpStatus(200, {}, "{}", "x")).toBeUndefined();
  });
});
