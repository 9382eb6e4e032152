import type { Database, Sql } from "../db/client";
import { publicMessage } from "../lib/public-message";

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
