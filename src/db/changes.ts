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

/**
 * Subscribes to change notifications; resolves to an unsubscribe function. postgres.js re-subscribes
 * after a lost connection; `onListen` runs on every (re)subscription, since changes may have been missed.
 */
export async function listenForChanges(
  sql: Sql,
  onChange: (topic: ChangeTopic) => void,
  onListen: () => void = () => {},
): Promise<() => Promise<void>> {
  const { unlisten } = await sql.listen(CHANGES_CHANNEL, (payload) => onChange(payload as ChangeTopic), onListen);
  return unlisten;
}
