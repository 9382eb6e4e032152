import { Big } from "./money";

/** `should_trade` of a new signal: trading is enabled for the symbol and it has an amount above zero. */
export function shouldTrade(tradeEnabled: boolean, tradeAmountUsd: string | null): boolean {
  return tradeEnabled && tradeAmountUsd !== null && new Big(tradeAmountUsd).gt(0);
}
