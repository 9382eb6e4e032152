import type { Database, Sql } from "../db/client";
import type { ServiceStatusSource } from "../domain/service-status";
import { publicMessage } from "../lib/public-message";

/** `/health`'s answer: the database round trip and each service's state; `ok` says whether it is healthy. */
export async function healthReport(
  sql: Sql,
  services: ServiceStatusSource,
  { timeoutMs, startedAt }: { timeoutMs: number; startedAt: number },
) {
  const check = await sharedCheck(sql, timeoutMs);
  return {
    ok: check.ok,
    body: {
      status: check.ok ? "ok" : "unavailable",
      database: { ...check, ...(check.error === undefined ? {} : { error: publicMessage(check.error) }) },
      // Messages only: a worker's error may carry a stack or the install's paths.
      services: services.statuses().map((s) => ({ ...s, last_error: publicMessage(s.last_error) })),
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    },
  };
}

// The round trip under way per pool: requests arriving while one runs share it (see sharedCheck).
const inFlight = new WeakMap<Sql, Promise<DatabaseCheck>>();

/**
 * `checkDatabase`, single-flight: a /health request that arrives while a check is under way takes that
 * check's outcome (at most one round trip old) instead of queueing a `select 1` of its own. A burst of
 * probes (a load balancer, a fixed-rate client's simultaneous ticks) costs PostgreSQL one query, not one
 * each; nothing is kept once the check has settled.
 */
export function sharedCheck(sql: Sql, timeoutMs: number): Promise<DatabaseCheck> {
  let check = inFlight.get(sql);
  if (!check) {
    check = checkDatabase(sql, timeoutMs).finally(() => inFlight.delete(sql));
    inFlight.set(sql, check);
  }
  return check;
}

/** Outcome of a database round trip bounded by a timeout. */
export interface DatabaseCheck {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

/** Runs `select 1`, giving up after `timeoutMs` (an unreachable server must not hang the caller). */
export async function checkDatabase(sql: Sql, timeoutMs: number): Promise<DatabaseCheck> {
  const start = performance.now();
  let timer: Timer | undefined;
  const query = sql`select 1`.execute();
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([query, timedOut]);
    return { ok: true, latency_ms: elapsed(start) };
  } catch (error) {
    query.catch(() => {});
    return { ok: false, latency_ms: elapsed(start), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (start: number) => Math.round((performance.now() - start) * 100) / 100;

/** The pool's server-side counters, or the error that kept them from being read (metrics must still answer). */
export function poolStatsOrError(
  database: Database,
): Promise<Awaited<ReturnType<Database["poolStats"]>> | { error: string }> {
  return database.poolStats().catch((error: Error) => ({ error: publicMessage(error.message) ?? "" }));
}
