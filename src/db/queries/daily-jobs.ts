import type { Queryable } from "../client";

/**
 * Claims a daily job for a local date, at most once per date across restarts and replicas: true for the one
 * caller that moved the job's service_state row to this date, false for everyone else.
 */
export async function claimDailyRun(sql: Queryable, job: string, localDate: string): Promise<boolean> {
  const cursor = JSON.stringify({ date: localDate });
  const rows = await sql`
    insert into service_state (service, cursor) values (${job}, ${cursor}::jsonb)
    on conflict (service) do update set cursor = excluded.cursor, updated_at = now()
    where service_state.cursor ->> 'date' is distinct from ${localDate}
    returning service`;
  return rows.length === 1;
}
