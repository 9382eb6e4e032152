import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Issues and checks short-lived signed tickets that open one path (the dashboard stream) without a header. */
export interface StreamTickets {
  issue(path: string): { ticket: string; expires_at: string };
  verify(ticket: string, path: string): boolean;
}

export interface StreamTicketOptions {
  /** The configured tokens: the signing key derives from them, so replicas with the same tokens agree. */
  apiToken?: string;
  readToken?: string;
  ttlMs?: number;
  now?: () => number;
}

/**
 * HMAC-SHA256 tickets `<expiry ms>.<nonce>.<signature>` bound to a path. `EventSource` cannot send an
 * `Authorization` header, so a holder of a token trades it for a ticket valid `ttlMs` (default one minute).
 */
export function streamTickets({
  apiToken,
  readToken,
  ttlMs = 60_000,
  now = Date.now,
}: StreamTicketOptions): StreamTickets {
  const key = createHash("sha256")
    .update(`atp-stream-ticket\0${apiToken ?? ""}\0${readToken ?? ""}`)
    .digest();
  const sign = (path: string, expiry: string, nonce: string) =>
    createHmac("sha256", key).update(`${path}\0${expiry}\0${nonce}`).digest("base64url");
  return {
    issue(path) {
      const expiresAt = now() + ttlMs;
      const nonce = randomBytes(12).toString("base64url");
      const expiry = String(expiresAt);
      return {
        ticket: `${expiry}.${nonce}.${sign(path, expiry, nonce)}`,
        expires_at: new Date(expiresAt).toISOString(),
      };
    },
    verify(ticket, path) {
      const [expiry, nonce, signature, extra] = ticket.split(".");
      if (!expiry || !nonce || !signature || extra !== undefined || !/^\d{1,15}$/.test(expiry)) return false;
      if (Number(expiry) < now()) return false;
      const expected = Buffer.from(sign(path, expiry, nonce));
      const presented = Buffer.from(signature);
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}
