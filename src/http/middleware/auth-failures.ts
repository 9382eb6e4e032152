import type { Context, MiddlewareHandler } from "hono";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../lib/logger";
import { ApiError } from "../errors";

export interface AuthFailuresOptions {
  /** Failed authentications (401) one client may make within `windowMs` before it is refused. */
  limit: number;
  windowMs: number;
  log: Logger;
  /** Clients tracked at once (the least recent are forgotten first). */
  maxClients?: number;
  /**
   * Requests whose credentials no route checks (reads while READ_TOKEN is unset): a client held back for its failed
   * writes still reads. The replaced frontend sends its `x-api-key` on every call, reads included.
   */
  unchecked?: (c: Context) => boolean;
}

/** Too many failed authentications from this client: wait `retryAfterS`. */
class TooManyAuthFailures extends ApiError {
  override name = "TooManyAuthFailures";
  constructor(override readonly retryAfterS: number) {
    super("rate_limited", `too many failed authentications from this address; retry after ${retryAfterS} s`);
  }
}

interface Failures {
  count: number;
  windowStart: number;
}

/** Bun's server, as Bun.serve passes it to fetch (Hono's `c.env`). */
interface PeerAddresses {
  requestIP(request: Request): { address: string } | null;
}
const hasPeerAddresses = (env: unknown): env is PeerAddresses =>
  typeof (env as Partial<PeerAddresses> | undefined)?.requestIP === "function";

/** The client's address: the peer address when served by Bun.serve, else "unknown" (in-process requests). */
export function clientAddress(c: Context): string {
  return (hasPeerAddresses(c.env) && c.env.requestIP(c.req.raw)?.address) || "unknown";
}

const presentsCredentials = (c: Context) =>
  c.req.header("authorization") !== undefined || c.req.header("x-api-key") !== undefined;

/**
 * Counts failed authentications (answers 401) per client address in a fixed window. Past `limit`, every request
 * from that client that presents credentials is answered 429 with Retry-After until the window ends, without
 * checking them, and one `warn` line names the address. Requests without credentials pass (open reads stay open),
 * and so do requests without a peer address (in-process ones: tests).
 */
export function authFailures({
  limit,
  windowMs,
  log,
  maxClients = 10_000,
  unchecked,
}: AuthFailuresOptions): MiddlewareHandler {
  const clients = new LRUCache<string, Failures>({ max: maxClients, ttl: windowMs });
  return async function authFailuresMiddleware(c, next) {
    if (!presentsCredentials(c) || unchecked?.(c)) return next();
    const address = clientAddress(c);
    // Without a peer address (an in-process request) there is no client to hold to account.
    if (address === "unknown") return next();
    const now = Date.now();
    const seen = clients.get(address);
    if (seen && seen.count >= limit && now - seen.windowStart < windowMs) {
      throw new TooManyAuthFailures(Math.max(1, Math.ceil((seen.windowStart + windowMs - now) / 1000)));
    }
    await next();
    if (c.res.status !== 401) return;
    const current = seen && now - seen.windowStart < windowMs ? seen : { count: 0, windowStart: now };
    current.count++;
    clients.set(address, current, { ttl: Math.max(1, current.windowStart + windowMs - now) });
    if (current.count === limit) {
      log.warn("repeated failed authentication: refusing this client", {
        client: address,
        failures: current.count,
        window_ms: windowMs,
        path: c.req.path,
      });
    }
  };
}
