/**
 * The runtime database client: one postgres.js pool per process, its parsers set here and nowhere else: numeric
 * and int8 as exact strings (postgres.js's own), date and time columns as PostgreSQL's text (INSTANT_TEXT below;
 * queries that render JSON format instants with isoUtc), JSON parameters as JSON text (JSON_TEXT). Nothing wraps
 * or rewires it: Drizzle keeps the schema (src/db/schema) and drizzle-kit's migrations (src/db/migrate.ts, on a
 * connection of its own); every runtime query is a postgres.js tagged template in src/db/queries.
 */
import postgres from "postgres";

/** The postgres.js client (prepared tagged-template queries, LISTEN/NOTIFY). */
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

/** One pool, with its own lifecycle. */
export interface Database {
  sql: Sql;
  /** Server-side view of this pool: connections open and running a statement now. */
  poolStats(): Promise<{ max: number; open: number; active: number }>;
  close(timeoutS?: number): Promise<void>;
}

/**
 * Date and time columns (date, time, timestamp, timestamptz) come back as PostgreSQL's text, never as a JS Date:
 * instants reach the wire through isoUtc in SQL, and a row's time compares and sorts as it is stored. A Date
 * parameter is sent as its ISO string.
 */
const INSTANT_TEXT = {
  to: 1184,
  from: [1082, 1083, 1114, 1184],
  serialize: (value: unknown) => (value instanceof Date ? value.toISOString() : String(value)),
  parse: (text: string) => text,
};

/**
 * json and jsonb parameters: a string is taken as JSON text already (queries pass JSON.stringify'd values), any other
 * value is stringified; results are parsed.
 */
const JSON_TEXT = {
  to: 3802,
  from: [114, 3802],
  serialize: (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value)),
  parse: (text: string) => JSON.parse(text) as unknown,
};

/** Opens a postgres.js pool (prepared statements on, per-connection statement_timeout). */
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
    // postgres.js waits before reconnecting, growing to 20 s (3^n / 100): with the server away, queries
    // queued on a pool connection waited past the request timeout (504) instead of failing fast (503).
    backoff: (retries: number) => Math.min(0.01 * 2 ** retries, 0.25),
    onnotice: () => {},
    types: { instantText: INSTANT_TEXT, jsonText: JSON_TEXT },
    connection: { application_name: applicationName, statement_timeout: statementTimeoutMs },
  });
  return {
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
