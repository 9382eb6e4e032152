/** The notifier's shared types: what the channels and the notifier agree on. */

/** Something worth telling the operator. */
export interface Notification {
  event: "signal" | "order" | "daily_summary" | "protection";
  /** One human-readable message (what Telegram shows). */
  text: string;
  /** The symbol it is about, if any (kept in the notification log). */
  symbol?: string;
  /** Machine-readable details (what the webhook receives besides the text). */
  data?: Record<string, unknown>;
}

/** One destination: sends a notification, honouring the abort signal. */
export interface NotificationChannel {
  name: string;
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

/** Fire-and-forget notifications: `notify` never blocks, never throws; `settle` awaits what is in flight. */
export interface Notifier {
  notify(notification: Notification): void;
  /** Resolves when every notification sent so far has been delivered or given up (for tests and shutdown). */
  settle(): Promise<void>;
  /** True when at least one channel is configured. */
  readonly enabled: boolean;
}
