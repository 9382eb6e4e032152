import type { Balance } from "../../domain/orders";
import type { Queryable } from "../client";
import { type Fragment, isoUtc } from "./sql";

/** A balance of the mirror as the API and the dashboard show it (the table aliased `t`), with its USD value. */
export function balanceFields(sql: Queryable): Fragment {
  return sql`t.asset, t.free::text as free, t.locked::text as locked, t.total::text as total,
    t.usd_value::text as usd_value, ${isoUtc(sql, "t.updated_at")} as updated_at` as unknown as Fragment;
}

/**
 * Mirrors the exchange's balances: upserts the given assets and sets every other asset to zero.
 * Returns how many rows changed.
 */
export async function replaceBalances(sql: Queryable, balances: readonly Balance[]): Promise<number> {
  const assets = balances.map((b) => b.asset);
  const upserted = await sql`
    insert into exchange_balances (asset, free, locked, total)
    select * from unnest(${assets}::text[], ${balances.map((b) => b.free)}::numeric[],
      ${balances.map((b) => b.locked)}::numeric[], ${balances.map((b) => b.total)}::numeric[])
    on conflict (asset) do update set free = excluded.free, locked = excluded.locked, total = excluded.total,
      updated_at = now()
    where (exchange_balances.free, exchange_balances.locked, exchange_balances.total)
      is distinct from (excluded.free, excluded.locked, excluded.total)
    returning 1`;
  const zeroed = await sql`
    update exchange_balances set free = 0, locked = 0, total = 0, usd_value = 0, updated_at = now()
    where not (asset = any(${assets}::text[])) and (free <> 0 or locked <> 0 or total <> 0)
    returning 1`;
  return upserted.length + zeroed.length;
}

/** Every balance of the mirror (asset, total). */
export async function allBalances(sql: Queryable): Promise<{ asset: string; total: string }[]> {
  return await sql<{ asset: string; total: string }[]>`select asset, total::text from exchange_balances order by asset`;
}

/** Stores each asset's USD value (null when no price is known). */
export async function setBalanceValues(
  sql: Queryable,
  values: readonly { asset: string; usdValue: string | null }[],
): Promise<void> {
  if (values.length === 0) return;
  await sql`
    update exchange_balances b set usd_value = v.usd_value, updated_at = now()
    from unnest(${values.map((v) => v.asset)}::text[], ${values.map((v) => v.usdValue)}::numeric[]) as v(asset, usd_value)
    where b.asset = v.asset and b.usd_value is distinct from v.usd_value`;
}
