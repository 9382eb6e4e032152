import type { Context, MiddlewareHandler, Next } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { ApiError } from "../errors";

export interface ApiAuthOptions {
  /** Grants everything. Without it, changes are refused: a trading bot must not take orders from anyone. */
  apiToken?: string;
  /** When set, reads need it (or API_TOKEN); when unset, reads are open. */
  readToken?: string;
  /** Signed tickets a read may present as `?ticket=` instead of the header (EventSource sends no header). */
  tickets?: { verify(ticket: string, path: string): boolean };
  /** Paths whose POST is a read (e.g. trading a read token for a stream ticket). */
  readPosts?: ReadonlySet<string>;
  /**
   * Also accept the token as `x-api-key: <token>` (the replaced frontend's header). Only the legacy mount sets
   * it: ATP's own API takes `Authorization: Bearer` alone.
   */
  apiKeyHeader?: boolean;
}

const READ_METHODS = new Set(["GET", "HEAD"]);
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * Bearer-token auth of an API resource (SPEC §7): GET/HEAD are reads, every other method is a change.
 * A change needs `Authorization: Bearer <API_TOKEN>` and is refused (403) when no API_TOKEN is configured;
 * a read needs READ_TOKEN or API_TOKEN only when READ_TOKEN is configured. Tokens compare in constant time.
 */
export function apiAuth({ apiToken, readToken, tickets, readPosts, apiKeyHeader }: ApiAuthOptions): MiddlewareHandler {
  // Not async itself: an open read (no READ_TOKEN) passes straight through without an extra promise.
  return function apiAuthMiddleware(c, next) {
    const isRead = READ_METHODS.has(c.req.method) || (c.req.method === "POST" && readPosts?.has(c.req.path) === true);
    if (isRead && !readToken) return next();
    if (isRead && tickets) {
      const ticket = c.req.query("ticket");
      if (ticket !== undefined) {
        if (tickets.verify(ticket, c.req.path)) return next();
        throw new ApiError("unauthorized", "invalid or expired stream ticket; ask for a new one");
      }
    }
    return checkToken(c, next, isRead);
  };

  async function checkToken(c: Context, next: Next, isRead: boolean) {
    if (!isRead && !apiToken) {
      throw new ApiError("forbidden", "changes are disabled: API_TOKEN is not configured on the server");
    }
    const presented = (apiKeyHeader && c.req.header("x-api-key")) || bearerToken(c, apiKeyHeader === true);
    const [isApi, isReadToken] = await Promise.all([matches(apiToken, presented), matches(readToken, presented)]);
    if (isApi || (isRead && isReadToken)) return next();
    if (isReadToken) throw new ApiError("forbidden", "the read token cannot make changes; use API_TOKEN");
    throw new ApiError("unauthorized", apiKeyHeader ? "invalid API key" : "invalid bearer token");
  }
}

function bearerToken(c: Context, orApiKey: boolean): string {
  const header = c.req.header("Authorization");
  const token = header ? BEARER.exec(header)?.[1] : undefined;
  if (!token) {
    c.header("WWW-Authenticate", 'Bearer realm="atp"');
    const expected = orApiKey ? "x-api-key: <token> or Authorization: Bearer <token>" : "Authorization: Bearer <token>";
    throw new ApiError("unauthorized", `missing or malformed ${expected} header`);
  }
  return token;
}

async function matches(expected: string | undefined, presented: string): Promise<boolean> {
  return expected !== undefined && (await timingSafeEqual(expected, presented));
}
