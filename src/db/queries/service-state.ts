import type { Queryable } from "../client";

/** Records the outcome of one service cycle (last run, and last success or last error). */
export async function recordServiceRun(
  sql: Queryable,
  service: string,
  run: { startedAt: number; ok: boolean; error?: string },
): Promise<void> {
  const at = new Date(run.startedAt).toISOString();
  if (run.ok) {
    await sql`
      insert into service_state (service, last_run_at, last_success_at) values (${service}, ${at}, ${at})
      on conflict (service) do update set last_run_at = excluded.last_run_at,
        last_success_at = excluded.last_success_at, updated_at = now()`;
  } else {
    const error = run.error ?? "unknown error";
    await sql`
      insert into service_state (service, last_run_at, last_error, last_error_at) values (${service}, ${at}, ${error}, ${at})
      on conflict (service) do update set last_run_at = excluded.last_run_at, last_error = excluded.last_error,
        last_error_at = excluded.last_error_at, updated_at = now()`;
  }
}

/** The persisted cursor object of a service ({} before its first save). */
export async function readCursor(sql: Queryable, service: string): Promise<Record<string, unknown>> {
  const [row] = await sql<{ cursor: Record<string, unknown> | null }[]>`
    select cursor from service_state where service = ${service}`;
  return row?.cursor ?? {};
}

/** Merges keys into a service's cursor; call it in the transaction that commits the work the cursor covers. */
export async function mergeCursor(sql: Queryable, service: string, patch: Record<string, unknown>): Promise<void> {
  const json = JSON.stringify(patch);
  await sql`
    insert into service_state (service, cursor) values (${service}, ${json}::jsonb)
    on conflict (service) do update set cursor = coalesce(service_state.cursor, '{}'::jsonb) || excluded.cursor,
      updated_at = now()`;
}

/** Adds to named counters of a service (e.g. orders imported). */
export async function addCounters(sql: Queryable, service: string, increments: Record<string, number>): Promise<void> {
  const json = JSON.stringify(increments);
  await sql`
    insert into service_state (service, counters) values (${service}, ${json}::jsonb)
    on conflict (service) do update set updated_at = now(), counters = (
      select jsonb_object_agg(k, coalesce((service_state.counters ->> k)::numeric, 0)
        + coalesce((excluded.counters ->> k)::numeric, 0))
      from jsonb_object_keys(service_state.counters || excluded.counters) as k)`;
}

/** What each service has persisted: its counters and the time of its last error. */
export async function listServiceState(
  sql: Queryable,
): Promise<{ service: string; counters: Record<string, number>; last_error_at: string | null }[]> {
  return await sql<{ service: string; counters: Record<string, number>; last_error_at: string | null }[]>`
    select service, counters, to_json(last_error_at) #>> '{}' as last_error_at from service_state`;
}
