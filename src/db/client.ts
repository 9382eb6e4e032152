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
