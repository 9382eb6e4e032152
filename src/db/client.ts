import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The Drizzle database (schema, migrations, ordinary writes). */
export type Db = PostgresJsDatabase<Schema>;
/** The postgres.js client (prepared tagged-template queries for hot reads, LISTEN/NOTIFY). */
export type Sql = postgres.Sql;
/** Anything raw queries can run on: the pool or a transaction of it. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

export interface DatabaseOptions {
  url: string;
  max: number;
  statementTimeoutMs: number;
  connectTimeoutS?: number;
  applicationName?: string;
}

/** One pool shared by Drizzle and raw queries, with its own lifecycle. */
export interface Database {
  db: Db;
  sql: Sql;
  /** Server-side view of this pool: connections open and running a statement now. */
  poolStats(): Promise<{ max: number; open: number; active: number }>;
  close(timeoutS?: number): Promise<void>;
}

/**
 * Opens a postgres.js pool (prepared statements on, per-connection statement_timeout) and wraps it in Drizzle.
 * Drizzle makes the client return date/time columns as PostgreSQL's text; hot queries build JSON in SQL instead.
 */
export function createDatabase({
  url,
  max,
  statementTimeoutMs,
  connectTimeoutS = 10,
  applicationName = `atp-${process.pid}`,
}: DatabaseOptions): Database {
  const sql = postgres(url, {
    max,
    prepare: true,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    connect_timeout: connectTimeoutS,
    onnotice: () => {},
    connection: { application_name: applicationName, statement_timeout: statementTimeoutMs },
  });
  const db = drizzle(sql, { schema });
  restoreArrayTypes(sql);
  return {
    db,
    sql,
    poolStats: async () => {
      // postgres.js keeps no public counters, so ask the server (application_name is unique per pool).
      const [row] = await sql<{ open: number; active: number }[]>`
        select count(*)::int as open, (count(*) filter (where state = 'active'))::int - 1 as active
        from pg_stat_activity where application_name = ${applicationName}`;
      return { max, open: row?.open ?? 0, active: Math.max(0, row?.active ?? 0) };
    },
    close: (timeoutS = 5) => sql.end({ timeout: timeoutS }),
  };
}

// numeric[], timestamp[], timestamptz[], date[]: array types whose handlers Drizzle replaces.
const DRIZZLE_ARRAY_OIDS = ["1231", "1115", "1185", "1182"];

/**
 * Drizzle swaps in pass-through handlers for some array types, which breaks array parameters of raw
 * queries (e.g. `unnest(${values}::numeric[])`). The schema has no array columns, so hand those types
 * back to postgres.js, which installs its own array handlers when it connects.
 */
function restoreArrayTypes(sql: Sql): void {
  const options = sql.options as unknown as { parsers: Record<string, unknown>; serializers: Record<string, unknown> };
  for (const oid of DRIZZLE_ARRAY_OIDS) {
    delete options.parsers[oid];
    delete options.serializers[oid];
  }
}
