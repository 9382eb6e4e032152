import type { Config } from "../../../config";
import { ApiError } from "../../errors";

/** The exchange as the frontend names it (it sends `CRYPTO_COM`): ATP trades on exactly one. */
export function exchangeName(config: Pick<Config, "EXCHANGE" | "EXCHANGE_ID">): string {
  if (config.EXCHANGE === "paper") return "PAPER";
  return config.EXCHANGE_ID === "cryptocom" ? "CRYPTO_COM" : config.EXCHANGE_ID.toUpperCase();
}

/**
 * Refuses an exchange other than ATP's (400 naming `where`.exchange). `CRYPTO_COM`, which the frontend hard-codes,
 * is taken to mean the account's exchange.
 */
export function requireOurExchange(given: string | undefined, ours: string, where: "json" | "query"): void {
  if (given === undefined || given === ours || given === "CRYPTO_COM") return;
  throw new ApiError("validation_failed", `invalid ${where}`, [
    { path: "exchange", message: `ATP trades on one exchange, ${ours}` },
  ]);
}
