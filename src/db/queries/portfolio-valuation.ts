import type { HeldLoan } from "../../domain/portfolio";
import type { Queryable } from "../client";

/** Active loans, as valuation input. */
export async function activeLoans(sql: Queryable): Promise<HeldLoan[]> {
  return await sql<HeldLoan[]>`
    select currency, borrowed_amount::text as "borrowedAmount", borrowed_usd::text as "borrowedUsd"
    from portfolio_loans where is_active order by currency`;
}

/**
 * Mirrors loans detected from negative balances: upserts one active auto-detected loan per borrowed
 * currency (keeping the operator's rate and notes) and deactivates auto-detected loans repaid since.
 */
export async function syncDetectedLoans(
  sql: Queryable,
  borrowed: readonly { currency: string; amount: string; usdValue: string | null }[],
): Promise<number> {
  const currencies = borrowed.map((b) => b.currency);
  const upserted = await sql`
    insert into portfolio_loans (currency, borrowed_amount, borrowed_usd, is_active, auto_detected)
    select c, a, coalesce(u, 0), true, true
    from unnest(${currencies}::text[], ${borrowed.map((b) => b.amount)}::numeric[],
      ${borrowed.map((b) => b.usdValue)}::numeric[]) as t(c, a, u)
    on conflict (currency) do update set borrowed_amount = excluded.borrowed_amount,
      borrowed_usd = excluded.borrowed_usd, is_active = true, updated_at = now()
    where (portfolio_loans.borrowed_amount, portfolio_loans.borrowed_usd, portfolio_loans.is_active)
      is distinct from (excluded.borrowed_amount, excluded.borrowed_usd, true)
    returning 1`;
  const repaid = await sql`
    update portfolio_loans set is_active = false, updated_at = now()
    where auto_detected and is_active and not (currency = any(${currencies}::text[]))
    returning 1`;
  return upserted.length + repaid.length;
}

/** Stores the current value of each active loan. */
export async function setLoanValues(
  sql: Queryable,
  loans: readonly { currency: string; borrowedUsd: string }[],
): Promise<void> {
  if (loans.length === 0) return;
  await sql`
    update portfolio_loans l set borrowed_usd = v.usd, updated_at = now()
    from unnest(${loans.map((l) => l.currency)}::text[], ${loans.map((l) => l.borrowedUsd)}::numeric[]) as v(currency, usd)
    where l.currency = v.currency and l.is_active and l.borrowed_usd is distinct from v.usd`;
}

/**
 * Appends a portfolio snapshot; returns whether its totals differ from the previous snapshot's. One statement: the
 * previous snapshot is read through the taken_at index (its order, `desc nulls last`, spelled out: a plain `desc`
 * means nulls first, which that index cannot give, and PostgreSQL then scanned and sorted every snapshot, 17 280 more
 * a day at the default interval).
 */
export async function insertSnapshot(
  sql: Queryable,
  totals: { totalAssetsUsd: string; totalBorrowedUsd: string; netUsd: string },
): Promise<boolean> {
  const [previous] = await sql<{ same: boolean }[]>`
    with previous as (
      select (total_assets_usd, total_borrowed_usd, net_usd)
        = (${totals.totalAssetsUsd}::numeric, ${totals.totalBorrowedUsd}::numeric, ${totals.netUsd}::numeric) as same
      from portfolio_snapshots order by taken_at desc nulls last limit 1),
    appended as (
      insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd)
      values (${totals.totalAssetsUsd}, ${totals.totalBorrowedUsd}, ${totals.netUsd}))
    select same from previous`;
  return previous?.same !== true;
}
