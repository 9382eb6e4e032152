import { ExchangeError, ExchangeTimeoutError, reactionTo, retryAfterOf } from "../domain/exchange-errors";
import type { ExchangeClient } from "./types";

/** How exchange calls are bounded and retried. */
export interface RetryPolicy {
  /** Total attempts per call, the first one included (1 = never retry). */
  attempts: number;
  /** Backoff ceiling of the first retry; doubles each retry. */
  baseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
  /** Per-attempt timeout; an attempt that exceeds it fails as an ExchangeTimeoutError (temporary). */
  timeoutMs: number;
}

/** True for an exchange failure worth retrying (temporary ones); anything else, bugs included, is thrown at once. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ExchangeError && reactionTo(error) === "retry";
}

/** What a retry loop needs from the outside world; replaced in tests. */
export interface RetryEnvironment {
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (event: { label: string; attempt: number; delayMs: number; error: unknown }) => void;
}

const realEnvironment: RetryEnvironment = { sleep: (ms) => Bun.sleep(ms), random: Math.random };

/**
 * The wait before retry number `retry` (1-based): "full jitter" — uniform in [0, min(max, base·2^(retry-1))) —
 * which spreads clients that failed together (AWS Architecture Blog, "Exponential Backoff and Jitter").
 * A temporary error's retry-after hint (a rate limit's Retry-After) is a floor, not a suggestion.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number, error?: unknown): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  const floor = retryAfterOf(error) ?? 0;
  return Math.max(jittered, floor);
}

/**
 * Runs `call`, retrying retryable failures (temporary, rate limited) with backoff, at most `policy.attempts` times.
 * Other errors, and a rate limit asking for a wait longer than maxDelayMs, are thrown at once: the caller's
 * own loop (a worker interval, an HTTP 429/503) handles those better than a blocked call.
 */
export async function retry<T>(
  label: string,
  call: () => Promise<T>,
  policy: RetryPolicy,
  environment: RetryEnvironment = realEnvironment,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const delayMs = backoffDelay(attempt, policy, environment.random, error);
      if (delayMs > policy.maxDelayMs) throw error;
      environment.onRetry?.({ label, attempt, delayMs, error });
      await environment.sleep(delayMs);
    }
  }
}

/** Runs `call`, failing with an ExchangeTimeoutError if it has not settled within `timeoutMs`. */
export async function withTimeout<T>(label: string, call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExchangeTimeoutError(`${label} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps every call of an ExchangeClient with a per-attempt timeout and the retry policy.
 *
 * Retrying createOrder is safe only because createOrder is idempotent on clientOid: when an attempt times out
 * or the connection drops after the exchange accepted the order, the retry (same clientOid) returns that
 * order instead of placing a second one. cancelOrder is safe too: cancelling an already-cancelled order
 * returns it. A timed-out attempt is abandoned, not aborted: it may still complete, which is why the
 * idempotency matters.
 */
export function withResilience(
  client: ExchangeClient,
  policy: RetryPolicy,
  environment: RetryEnvironment = realEnvironment,
): ExchangeClient {
  const guard = <T>(method: string, call: () => Promise<T>) =>
    retry(
      `${client.name}.${method}`,
      () => withTimeout(`${client.name}.${method}`, call, policy.timeoutMs),
      policy,
      environment,
    );
  return {
    name: client.name,
    live: client.live,
    fetchBalances: () => guard("fetchBalances", () => client.fetchBalances()),
    fetchOpenOrders: () => guard("fetchOpenOrders", () => client.fetchOpenOrders()),
    fetchOrder: (id, symbol) => guard("fetchOrder", () => client.fetchOrder(id, symbol)),
    fetchOrderHistory: (cursor, limit) => guard("fetchOrderHistory", () => client.fetchOrderHistory(cursor, limit)),
    fetchTickers: (symbols) => guard("fetchTickers", () => client.fetchTickers(symbols)),
    fetchInstruments: () => guard("fetchInstruments", () => client.fetchInstruments()),
    fetchCandles: (symbol, timeframe, limit) =>
      guard("fetchCandles", () => client.fetchCandles(symbol, timeframe, limit)),
    createOrder: (request) => guard("createOrder", () => client.createOrder(request)),
    cancelOrder: (id, symbol) => guard("cancelOrder", () => client.cancelOrder(id, symbol)),
    close: () => client.close(),
  };
}
