import type { Queryable } from "../client";
import type { NotificationStatus } from "../schema/notifications";
import { isoUtc } from "./sql";

/** One notification as it is logged. */
export interface NotificationEntry {
  event: string;
  symbol: string | null;
  text: string;
  status: NotificationStatus;
  reason: string | null;
}

/** A logged notification as the API shows it. */
export interface NotificationLogJson extends NotificationEntry {
  id: number;
  created_at: string;
}

/** Logs a notification and trims the log to its newest `keep` rows. */
export async function logNotification(sql: Queryable, entry: NotificationEntry, keep: number): Promise<void> {
  await sql`insert into notification_log (event, symbol, text, status, reason)
    values (${entry.event}, ${entry.symbol}, ${entry.text}, ${entry.status}, ${entry.reason})`;
  await sql`delete from notification_log where id <= (
    select id from notification_log order by id desc offset ${keep} limit 1)`;
}

/** The newest `limit` logged notifications, newest first. */
export async function recentNotifications(sql: Queryable, limit: number): Promise<NotificationLogJson[]> {
  const rows = await sql<(Omit<NotificationLogJson, "id"> & { id: string })[]>`
    select t.id, t.event, t.symbol, t.text, t.status, t.reason, ${isoUtc(sql, "t.created_at")} as created_at
    from notification_log t order by t.id desc limit ${limit}`;
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
