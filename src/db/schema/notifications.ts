import { sql } from "drizzle-orm";
import { bigint, check, pgTable, text } from "drizzle-orm/pg-core";
import { inList, timestamps } from "./columns";

/** What became of a notification: delivered by a channel, failed on every channel, or blocked (no channel). */
export const NOTIFICATION_STATUSES = ["sent", "failed", "blocked"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** The newest notifications the services sent or could not send, bounded (older rows are trimmed on insert). */
export const notificationLog = pgTable(
  "notification_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    event: text("event").notNull(),
    symbol: text("symbol"),
    text: text("text").notNull(),
    status: text("status", { enum: NOTIFICATION_STATUSES }).notNull(),
    /** Why it was not delivered (blocked or failed); null when sent. */
    reason: text("reason"),
    ...timestamps,
  },
  (t) => [check("notification_log_status_check", sql`${t.status} in (${inList(NOTIFICATION_STATUSES)})`)],
);
