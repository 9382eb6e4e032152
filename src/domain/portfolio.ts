import Big from "big.js";

/** Assets valued 1:1 in USD. */
export const STABLECOINS: ReadonlySet<string> = new Set([
  "USD",
  "USDT",
  "USDC",
  "BUSD",
  "DAI",
  "TUSD",
  "FDUSD",
  "PYUSD",
]);
/** The quote asset used to price everything else. */
export const PRICING_QUOTE = "USDT";

/** A balance as input to valuation. */
export interface HeldAsset {
  asset: string;
  total: string;
}

/** A loan as input to valuation (auto-detected or entered by the operator). */
export interface HeldLoan {
  currency: string;
  borrowedAmount: string;
  /** Last known USD value, used when no price is known now. */
  borrowedUsd: string;
}

/** The valued portfolio: every figure an exact decimal string. */
export interface PortfolioValuation {
  assets: { asset: string; quantity: string; usdValue: string | null }[];
  /** Negative balances, which are loans. */
  borrowed: { currency: string; amount: string; usdValue: string | null }[];
  loans: { currency: string; borrowedAmount: string; borrowedUsd: string }[];
  totalAssetsUsd: string;
  totalBorrowedUsd: string;
  netUsd: string;
}

/** The symbol whose price values `asset` in USD, or null for stablecoins. */
export function pricingSymbol(asset: string): string | null {
  return STABLECOINS.has(asset) ? null : `${asset}_${PRICING_QUOTE}`;
}

/** USD price of an asset given last prices by symbol; stablecoins are 1, unknown is null. */
export function usdPrice(asset: string, prices: ReadonlyMap<string, string>): Big | null {
  const symbol = pricingSymbol(asset);
  if (symbol === null) return new Big(1);
  const price = prices.get(symbol);
  return price === undefined ? null : new Big(price);
}

/**
 * Values balances and loans: positive balances are assets, negative ones are loans (their
 * absolute amount), loans are revalued at current prices when known; net = assets − loans.
 */
export function valuePortfolio(
  balances: readonly HeldAsset[],
  loans: readonly HeldLoan[],
  prices: ReadonlyMap<string, string>,
): PortfolioValuation {
  const assets: PortfolioValuation["assets"] = [];
  const borrowed: PortfolioValuation["borrowed"] = [];
  let totalAssets = new Big(0);
  for (const { asset, total } of balances) {
    const quantity = new Big(total);
    const price = usdPrice(asset, prices);
    if (quantity.gt(0)) {
      const usd = price ? quantity.times(price) : null;
      if (usd) totalAssets = totalAssets.plus(usd);
      assets.push({ asset, quantity: quantity.toString(), usdValue: usd?.toFixed(8) ?? null });
    } else if (quantity.lt(0)) {
      const amount = quantity.abs();
      borrowed.push({
        currency: asset,
        amount: amount.toString(),
        usdValue: price ? amount.times(price).toFixed(8) : null,
      });
    }
  }
  let totalBorrowed = new Big(0);
  const valuedLoans = loans.map((loan) => {
    const price = usdPrice(loan.currency, prices);
    const usd = price ? new Big(loan.borrowedAmount).times(price) : new Big(loan.borrowedUsd);
    totalBorrowed = totalBorrowed.plus(usd);
    return { currency: loan.currency, borrowedAmount: loan.borrowedAmount, borrowedUsd: usd.toFixed(8) };
  });
  return {
    assets,
    borrowed,
    loans: valuedLoans,
    totalAssetsUsd: totalAssets.toFixed(8),
    totalBorrowedUsd: totalBorrowed.toFixed(8),
    netUsd: totalAssets.minus(totalBorrowed).toFixed(8),
  };
}
