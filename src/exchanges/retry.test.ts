import { describe, expect, test } from "bun:test";
import {
  AuthenticationError,
  ExchangeError,
  InvalidOrderError,
  RateLimitedError,
  TemporaryExchangeError,
  UnknownOrderError,
} from "../domain/exchange-errors";
import { backoffDelay, isRetryable, type RetryPolicy, retry, withResilience, withTimeout } from "./retry";
import type { ExchangeClient } from "./types";

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 50 };

/** A retry environment that records waits instead of sleeping. */
function recorder(random = () => 0.5) {
  const waits: number[] = [];
  return { waits, environment: { sleep: async (ms: number) => void waits.push(ms), random } };
}

/** A call that fails with the given errors in turn, then returns "ok"; counts its invocations. */
function failing(...errors: unknown[]) {
  const state = { calls: 0 };
  const call = async () => {
    const error = errors[state.calls++];
    if (error) throw error;
    return "ok";
  };
  return { state, call };
}

describe("isRetryable", () => {
  test("only temporary exchange errors (rate limits and timeouts among them) are retried", () => {
    expect(isRetryable(new TemporaryExchangeError("x"))).toBe(true);
    expect(isRetryable(new RateLimitedError("x", 500))).toBe(true);
    for (const error of [
      new ExchangeError("x"),
      new AuthenticationError("x"),
      new InvalidOrderError("x"),
      new Error("x"),
    ]) {
      expect(isRetryable(error)).toBe(false);
    }
  });
});

describe("backoffDelay", () => {
  test("full jitter: stays within [0, min(max, base·2^(n-1)))", () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      for (let n = 1; n <= 8; n++) {
        const ceiling = Math.min(1000, 100 * 2 ** (n - 1));
        const delay = backoffDelay(n, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  test("grows exponentially and is capped", () => {
    const top = (n: number) => backoffDelay(n, policy, () => 0.999999);
    expect(top(1)).toBe(99);
    expect(top(2)).toBe(199);
    expect(top(3)).toBe(399);
    expect(top(4)).toBe(799);
    expect(top(5)).toBe(999);
    expect(top(20)).toBe(999);
  });

  test("spreads delays with the random source", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, policy, Math.random)));
    expect(delays.size).toBeGreaterThan(10);
  });

  test("a rate limit's retryAfterMs is a floor", () => {
    expect(backoffDelay(1, policy, () => 0, new RateLimitedError("slow down", 700))).toBe(700);
    expect(backoffDelay(1, policy, () => 0, new RateLimitedError("slow down"))).toBe(0);
  });
});

describe("retry", () => {
  test("retries temporary and rate-limit errors until success", async () => {
    const { waits, environment } = recorder();
    const { state, call } = failing(new TemporaryExchangeError("down"), new RateLimitedError("429", 300));
    expect(await retry("t", call, policy, environment)).toBe("ok");
    expect(state.calls).toBe(3);
    expect(waits).toEqual([50, 300]);
  });

  test("does not retry other errors", async () => {
    for (const error of [new AuthenticationError("key"), new InvalidOrderError("qty"), new Error("bug")]) {
      const { waits, environment } = recorder();
      const { state, call } = failing(error);
      await expect(retry("t", call, policy, environment)).rejects.toBe(error);
      expect(state.calls).toBe(1);
      expect(waits).toEqual([]);
    }
  });

  test("gives up after the bounded number of attempts with the last error", async () => {
    const { waits, environment } = recorder();
    const errors = Array.from({ length: 10 }, (_, i) => new TemporaryExchangeError(`down ${i}`));
    const { state, call } = failing(...errors);
    await expect(retry("t", call, policy, environment)).rejects.toBe(errors[3]);
    expect(state.calls).toBe(4);
    expect(waits).toHaveLength(3);
  });

  test("does not block on a rate limit that asks for more than the cap", async () => {
    const { waits, environment } = recorder();
    const error = new RateLimitedError("banned for a minute", 60_000);
    const { state, call } = failing(error);
    await expect(retry("t", call, policy, environment)).rejects.toBe(error);
    expect(state.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  test("reports each retry", async () => {
    const events: { label: string; attempt: number }[] = [];
    const { environment } = recorder();
    const { call } = failing(new TemporaryExchangeError("down"));
    await retry("paper.fetchBalances", call, policy, { ...environment, onRetry: (e) => events.push(e) });
    expect(events).toMatchObject([{ label: "paper.fetchBalances", attempt: 1, delayMs: 50 }]);
  });
});

describe("withTimeout", () => {
  test("a call that exceeds the timeout becomes a TemporaryExchangeError", async () => {
    const started = performance.now();
    const error = await withTimeout("slow", () => Bun.sleep(1000), 30).catch((e) => e);
    expect(error).toBeInstanceOf(TemporaryExchangeError);
    expect(error.message).toContain("slow timed out after 30 ms");
    expect(performance.now() - started).toBeLessThan(500);
  });

  test("a fast call passes its result and its error through", async () => {
    expect(await withTimeout("fast", async () => 42, 1000)).toBe(42);
    const error = new InvalidOrderError("bad");
    await expect(withTimeout("fast", () => Promise.reject(error), 1000)).rejects.toBe(error);
  });
});

describe("withResilience", () => {
  test("wraps every method with timeout and retry, and passes arguments through", async () => {
    const calls: string[] = [];
    let balanceCalls = 0;
    const inner = {
      name: "fake",
      live: false,
      fetchBalances: async () => {
        calls.push("fetchBalances");
        // First attempt hangs past the timeout, the second succeeds.
        if (balanceCalls++ === 0) await Bun.sleep(500);
        return [{ asset: "USDT", free: "1", locked: "0", total: "1" }];
      },
      fetchOrder: async (id: string, symbol: string) => {
        calls.push(`fetchOrder ${id} ${symbol}`);
        throw new UnknownOrderError(id);
      },
      close: async () => void calls.push("close"),
    } as unknown as ExchangeClient;
    const { waits, environment } = recorder();
    const client = withResilience(inner, policy, environment);
    expect(client.name).toBe("fake");
    expect(client.live).toBe(false);
    expect(await client.fetchBalances()).toEqual([{ asset: "USDT", free: "1", locked: "0", total: "1" }]);
    await expect(client.fetchOrder("42", "BTC_USDT")).rejects.toBeInstanceOf(UnknownOrderError);
    await client.close();
    expect(calls).toEqual(["fetchBalances", "fetchBalances", "fetchOrder 42 BTC_USDT", "close"]);
    expect(waits).toHaveLength(1);
  });
});
