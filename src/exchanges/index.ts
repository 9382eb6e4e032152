import type { Config } from "../config";
import type { Sql } from "../db/client";
import type { Logger } from "../lib/logger";
import { createPaperExchange } from "./paper/client";
import { type RetryPolicy, withResilience } from "./retry";
import type { ExchangeClient } from "./types";

const LIVE_REQUESTS_PER_CALL = 4;

/** The retry and timeout policy configured by EXCHANGE_TIMEOUT_MS and EXCHANGE_RETRY_*. */
export function retryPolicyFromConfig(config: Config): RetryPolicy {
  return {
    attempts: config.EXCHANGE_RETRY_ATTEMPTS,
    baseDelayMs: config.EXCHANGE_RETRY_BASE_MS,
    maxDelayMs: config.EXCHANGE_RETRY_MAX_MS,
    timeoutMs: config.EXCHANGE_TIMEOUT_MS,
  };
}

/**
 * The configured exchange (EXCHANGE=paper|ccxt), every call wrapped with timeout and retry.
 * `sql` holds the paper exchange's tables; `now` moves the paper clock in tests; `log` reports retries.
 */
export async function createExchangeClient(
  config: Config,
  { sql, now, log }: { sql: Sql; now?: () => number; log?: Logger },
): Promise<ExchangeClient> {
  const client =
    config.EXCHANGE === "paper"
      ? await createPaperExchange({
          sql,
          seed: config.PAPER_SEED,
          feeRate: config.PAPER_FEE_RATE,
          slippageRate: config.PAPER_SLIPPAGE_RATE,
          startBalances: config.PAPER_START_BALANCES,
          historyOrders: config.PAPER_HISTORY_ORDERS,
          pinnedPrices: config.ENABLE_TEST_ENDPOINTS,
          now,
        })
      : // Imported on demand so paper mode never loads ccxt.
        await (await import("./ccxt/connect")).createCcxtExchange({
          exchangeId: config.EXCHANGE_ID,
          apiKey: config.EXCHANGE_API_KEY,
          secret: config.EXCHANGE_API_SECRET,
          apiUrl: config.EXCHANGE_API_URL,
          enableRateLimit: config.EXCHANGE_RATE_LIMIT,
          timeoutMs: config.EXCHANGE_TIMEOUT_MS,
          now,
        });
  const policy = retryPolicyFromConfig(config);
  // EXCHANGE_TIMEOUT_MS bounds each HTTP request of the live adapter; one of its calls may make a few requests
  // (createOrder: look-up, create, read back), so the whole call gets a few request timeouts.
  if (client.live) policy.timeoutMs = config.EXCHANGE_TIMEOUT_MS * LIVE_REQUESTS_PER_CALL;
  return withResilience(client, policy, {
    sleep: (ms) => Bun.sleep(ms),
    random: Math.random,
    onRetry: ({ label, attempt, delayMs, error }) =>
      log?.warn("exchange call failed, retrying", {
        call: label,
        attempt,
        delay_ms: delayMs,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  });
}
