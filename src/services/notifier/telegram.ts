import type { Notification, NotificationChannel } from "./types";

/** Sends each notification's text to a Telegram chat through the Bot API's sendMessage. */
export function telegramChannel({
  apiUrl,
  botToken,
  chatId,
}: {
  apiUrl: string;
  botToken: string;
  chatId: string;
}): NotificationChannel {
  const endpoint = `${apiUrl.replace(/\/+$/, "")}/bot${botToken}/sendMessage`;
  return {
    name: "telegram",
    async send(notification: Notification, signal: AbortSignal) {
      // The token is part of the URL: errors must never carry the URL (fetch's own errors may).
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ chat_id: chatId, text: notification.text, disable_web_page_preview: true }),
        signal,
      }).catch((error: unknown) => {
        throw new Error(`Telegram unreachable (${error instanceof Error ? error.name : "error"})`);
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`Telegram answered ${res.status}`);
    },
  };
}
