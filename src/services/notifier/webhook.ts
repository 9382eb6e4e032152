import type { Notification, NotificationChannel } from "./types";

/** POSTs each notification as JSON `{event, text, data, sent_at}` to a URL; a non-2xx answer is a failure. */
export function webhookChannel(url: string): NotificationChannel {
  return {
    name: "webhook",
    async send(notification: Notification, signal: AbortSignal) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...notification, sent_at: new Date().toISOString() }),
        signal,
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },
  };
}
