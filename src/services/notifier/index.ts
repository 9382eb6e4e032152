import type { Config } from "../../config";
import type { Logger } from "../../lib/logger";
import { telegramChannel } from "./telegram";
import type { NotificationChannel, Notifier } from "./types";
import { webhookChannel } from "./webhook";

export type { Notification, NotificationChannel, Notifier } from "./types";

/** Sends every notification to every channel in the background, each attempt bounded by `timeoutMs`. */
export function createNotifier(
  channels: NotificationChannel[],
  { log, timeoutMs }: { log: Logger; timeoutMs: number },
): Notifier {
  const inFlight = new Set<Promise<void>>();
  return {
    enabled: channels.length > 0,
    notify(notification) {
      for (const channel of channels) {
        const delivery = channel
          .send(notification, AbortSignal.timeout(timeoutMs))
          .catch((error) =>
            log.warn("notification not delivered", { channel: channel.name, event: notification.event, error }),
          )
          .finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      }
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
  return createNotifier(channels, { log, timeoutMs: config.NOTIFY_TIMEOUT_MS });
}
