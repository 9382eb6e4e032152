import { CodedError } from "./errors";

/** A symbol in the exchange's form `BASE_QUOTE`, e.g. `BTC_USDT`. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,12}_[A-Z0-9]{2,12}$/;

/** The base and quote assets of a `BASE_QUOTE` symbol. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base = "", quote = ""] = symbol.split("_");
  return { base, quote };
}

/** A well-formed symbol the exchange does not list: the caller's mistake (HTTP 400 `unknown_symbol`). */
export class UnknownSymbolError extends CodedError {
  override name = "UnknownSymbolError";
  constructor(readonly symbol: string) {
    super("unknown_symbol", `${symbol} is not listed on the exchange`);
  }
}
