import type { Config } from "../../config";
import type { Database, Queryable } from "../../db/client";
import { logNotification, type NotificationEntry, recentNotifications } from "../../db/queries/notification-log";
import type { Logger } from "../../lib/logger";
import { telegramChannel } from "./telegram";
import type { NotificationChannel, Notifier } from "./types";
import { webhookChannel } from "./webhook";

export type { Notification, NotificationChannel, Notifier } from "./types";

/** Notifications the log keeps: older ones are trimmed as new ones arrive. */
export const NOTIFICATION_LOG_SIZE = 500;

const NO_CHANNEL = "no notification channel is configured (WEBHOOK_URL, TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_ID)";

/**
 * Sends every notification to every channel in the background, each attempt bounded by `timeoutMs`. With a
 * `journal`, each notification's outcome is logged once its deliveries settle: sent (a channel took it), failed
 * (every channel refused it) or blocked (no channel).
 */
export function createNotifier(
  channels: NotificationChannel[],
  {
    log,
    timeoutMs,
    journal,
  }: { log: Logger; timeoutMs: number; journal?: (entry: NotificationEntry) => Promise<void> },
): Notifier {
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  return {
    enabled: channels.length > 0,
    notify(notification) {
      const deliveries = channels.map((channel) =>
        channel.send(notification, AbortSignal.timeout(timeoutMs)).catch((error: Error) => {
          log.warn("notification not delivered", { channel: channel.name, event: notification.event, error });
          throw error;
        }),
      );
      const outcome = Promise.allSettled(deliveries).then(async (results) => {
        if (!journal) return;
        const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        const sent = results.some((r) => r.status === "fulfilled");
        await journal({
          event: notification.event,
          symbol: notification.symbol ?? null,
          text: notification.text,
          status: channels.length === 0 ? "blocked" : sent ? "sent" : "failed",
          reason:
            channels.length === 0 ? NO_CHANNEL : sent ? null : String(failure?.reason?.message ?? failure?.reason),
        }).catch((error: Error) => log.warn("notification not logged", { event: notification.event, error }));
      });
      track(outcome);
    },
    async settle() {
      await Promise.all([...inFlight]);
    },
  };
}

/** The notifier the configuration asks for: webhook and/or Telegram, or none (the default). */
export function notifierFromConfig(
  config: Pick<
    Config,
    "WEBHOOK_URL" | "TELEGRAM_BOT_TOKEN" | "TELEGRAM_CHAT_ID" | "TELEGRAM_API_URL" | "NOTIFY_TIMEOUT_MS"
  >,
  log: Logger,
  /** Where the notification log is kept (the services' own pool); without it nothing is logged. */
  sql?: Queryable,
): Notifier {
  const channels: NotificationChannel[] = [];
  if (config.WEBHOOK_URL) channels.push(webhookChannel(config.WEBHOOK_URL));
  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_CHAT_ID) {
    channels.push(
      telegramChannel({
        apiUrl: config.TELEGRAM_API_URL,
        botToken: config.TELEGRAM_BOT_TOKEN,
        chatId: config.TELEGRAM_CHAT_ID,
      }),
    );
  }
  const journal = sql ? (entry: NotificationEntry) => logNotification(sql, entry, NOTIFICATION_LOG_SIZE) : undefined;
  return createNotifier(channels, { log, timeoutMs: config.NOTIFY_TIMEOUT_MS, journal });
}

/** The newest logged notifications (sent, failed or blocked), newest first. */
export function notificationLog(database: Database, limit: number) {
  return recentNotifications(database.sql, Math.min(limit, NOTIFICATION_LOG_SIZE));
}
