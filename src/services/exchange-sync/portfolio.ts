import { notifyChange } from "../../db/changes";
import type { Sql } from "../../db/client";
import { allBalances, setBalanceValues } from "../../db/queries/exchange-balances";
import { activeLoans, insertSnapshot, setLoanValues, syncDetectedLoans } from "../../db/queries/portfolio-valuation";
import { type PortfolioValuation, pricingSymbol, valuePortfolio } from "../../domain/portfolio";
import type { ExchangeClient } from "../../exchanges/types";

/**
 * Values the mirrored portfolio in USD (tickers; stablecoins 1:1), mirrors negative balances as
 * loans, stores each asset's and loan's value and appends a snapshot; all in one transaction.
 * Notifies only when the totals or the loans changed, so an idle account does not churn the dashboard cache.
 */
export async function valueAndSnapshotPortfolio(sql: Sql, exchange: ExchangeClient): Promise<PortfolioValuation> {
  const balances = await allBalances(sql);
  const loansBefore = await activeLoans(sql);
  const symbols = [
    ...new Set(
      [...balances.map((b) => b.asset), ...loansBefore.map((l) => l.currency)]
        .map(pricingSymbol)
        .filter((s): s is string => s !== null),
    ),
  ];
  const tickers = symbols.length > 0 ? await exchange.fetchTickers(symbols) : [];
  const prices = new Map(tickers.map((t) => [t.symbol, t.last]));

  return await sql.begin(async (tx) => {
    // Detected loans first, so the valuation sees the loans as they are now.
    const detected = valuePortfolio(balances, [], prices).borrowed;
    const loansChanged = await syncDetectedLoans(tx, detected);
    const valuation = valuePortfolio(balances, await activeLoans(tx), prices);
    await setBalanceValues(tx, [
      ...valuation.assets.map((a) => ({ asset: a.asset, usdValue: a.usdValue })),
      ...valuation.borrowed.map((b) => ({ asset: b.currency, usdValue: b.usdValue && `-${b.usdValue}` })),
    ]);
    await setLoanValues(tx, valuation.loans);
    const totalsChanged = await insertSnapshot(tx, valuation);
    if (totalsChanged || loansChanged > 0) await notifyChange(tx, "portfolio");
    return valuation;
  });
}
