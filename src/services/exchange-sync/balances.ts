import { notifyChange } from "../../db/changes";
import type { Sql } from "../../db/client";
import { replaceBalances } from "../../db/queries/exchange-balances";
import type { ExchangeClient } from "../../exchanges/types";

/** Mirrors the account's balances (vanished assets go to zero); returns how many rows changed. */
export async function syncBalances(sql: Sql, exchange: ExchangeClient): Promise<number> {
  const balances = await exchange.fetchBalances();
  const changed = await sql.begin(async (tx) => {
    const n = await replaceBalances(tx, balances);
    if (n > 0) await notifyChange(tx, "balances");
    return n;
  });
  return changed;
}
