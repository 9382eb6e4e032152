import type { Queryable, Sql } from "./client";

/** The one PostgreSQL channel on which every committed change is announced, across processes. */
export const CHANGES_CHANNEL = "atp_changes";

/** What changed; the payload of a notification. */
export type ChangeTopic =
  | "balances"
  | "orders"
  | "portfolio"
  | "signals"
  | "watchlist"
  | "market_data"
  | "settings"
  | "services"
  | "loans";

/** Announces a committed change (call after the commit, or inside the transaction: NOTIFY is sent on commit). */
export async function notifyChange(sql: Queryable, topic: ChangeTopic): Promise<void> {
  await sql`select pg_notify(${CHANGES_CHANNEL}, ${topic})`;
}

/** Subscribes to change notifications; resolves to an unsubscribe function. Reconnects are handled by postgres.js. */
export async function listenForChanges(sql: Sql, onChange: (topic: ChangeTopic) => void): Promise<() => Promise<void>> {
  const { unlisten } = await sql.listen(CHANGES_CHANNEL, (payload) => onChange(payload as ChangeTopic));
  return unlisten;
}
