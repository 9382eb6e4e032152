import type { ReservedSql } from "postgres";
import type { Sql } from "../../db/client";
import { DASHBOARD_PARTS, type DashboardPartName, type Fragment, selectJsonColumns } from "../../db/queries/dashboard";
import type { ServiceStatusSource } from "../../domain/service-status";
import type { Logger } from "../../lib/logger";
import { type DashboardPart, dashboardParts, type ExchangeIdentity, type Member } from "./parts";

/** A part that failed or ran out of time, as reported in the body's `errors`. */
export interface PartError {
  part: DashboardPartName;
  message: string;
}

/** One build of the dashboard: the serialised body, ready to send, and what describes it. */
export interface BuiltDashboard {
  body: string;
  /** Weak ETag over everything but `generated_at`: an unchanged dashboard keeps its tag across rebuilds. */
  etag: string;
  partial: boolean;
  errors: PartError[];
  generatedAt: string;
  buildMs: number;
  /** The parts this build read from the database (all when absent); the others kept the previous build's values. */
  queried?: DashboardPartName[];
}

/** Builds the dashboard; with `changed`, only those parts are read again (the others keep their last values). */
export type DashboardBuild = (changed?: ReadonlySet<DashboardPartName>) => Promise<BuiltDashboard>;

export interface DashboardBuilderOptions {
  sql: Sql;
  services: ServiceStatusSource;
  /** Budget of the one statement building every part, then of each part run alone. */
  partTimeoutMs: number;
  log: Logger;
  /** The configured exchange, for bot_status's mode (paper when not given). */
  exchange?: ExchangeIdentity;
}

/** A query that ran out of its time budget (and was cancelled on the server). */
class BudgetExceeded extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "BudgetExceeded";
  }
}

/** Runs a query, cancelling it on the server when it outlives `ms`. Resolves to its rows as value arrays. */
async function withinBudget(sql: Sql, statement: Fragment, ms: number): Promise<(string | null)[]> {
  const query = sql`${statement}`.values();
  let timer: Timer | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new BudgetExceeded(ms));
      query.cancel();
    }, ms);
  });
  try {
    const [row] = await Promise.race([query, expired]);
    return (row ?? []) as (string | null)[];
  } finally {
    clearTimeout(timer);
    query.catch(() => {});
  }
}

/** A connection of the pool for one part; gives up (and hands back a late one) after `ms`. */
async function reserveWithin(sql: Sql, ms: number): Promise<ReservedSql> {
  const reserving = sql.reserve();
  let timer: Timer | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no database connection within ${ms} ms`));
      reserving.then(
        (connection) => connection.release(),
        () => {},
      );
    }, ms);
  });
  try {
    return await Promise.race([reserving, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const order = (name: DashboardPartName) => DASHBOARD_PARTS.indexOf(name);

/**
 * Creates the dashboard builder shared by the state route and the stream. Normally one prepared statement
 * builds every part in one round trip; when it fails or runs out of time, each part runs alone under the
 * same budget, so the culprit is named in `errors` and the other parts are still served. Given the parts a
 * change notification named, a build reads only those (one statement over their columns) and keeps the
 * others' values from the last build that read them; a part that failed is read again next time.
 */
export function createDashboardBuilder({
  sql,
  services,
  partTimeoutMs,
  log,
  exchange,
}: DashboardBuilderOptions): DashboardBuild {
  const parts = dashboardParts(sql, services, exchange);
  const alone = new Map(parts.map((p) => [p, selectJsonColumns(sql, p.columns)]));
  // One statement per set of parts read together (the whole dashboard, or what a change named), made once.
  const statements = new Map<string, Fragment>();
  const statementOf = (chosen: DashboardPart[]): Fragment => {
    const key = chosen.map((p) => p.name).join(",");
    let statement = statements.get(key);
    if (!statement) {
      statement = selectJsonColumns(
        sql,
        chosen.flatMap((p) => p.columns),
      );
      statements.set(key, statement);
    }
    return statement;
  };
  /** Each part's values from the last build that read it without an error. */
  const held = new Map<DashboardPart, (string | null)[]>();

  const runPartsAlone = async (
    chosen: DashboardPart[],
    values: Map<DashboardPart, (string | null)[]>,
    errors: PartError[],
  ) => {
    await Promise.all(
      chosen.map(async (p) => {
        try {
          // The query's budget starts once the part has a connection: a part queued behind blocked ones
          // (a small pool) must not be reported as the one that timed out. The wait has its own bound.
          const connection = await reserveWithin(sql, partTimeoutMs);
          try {
            values.set(p, await withinBudget(connection, alone.get(p) as Fragment, partTimeoutMs));
          } finally {
            connection.release();
          }
        } catch (error) {
          errors.push({ part: p.name, message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  };

  return async function buildDashboard(changed?: ReadonlySet<DashboardPartName>): Promise<BuiltDashboard> {
    const started = performance.now();
    const generatedAt = new Date().toISOString();
    const values = new Map<DashboardPart, (string | null)[]>();
    const errors: PartError[] = [];
    const chosen = changed ? parts.filter((p) => changed.has(p.name) || !held.has(p)) : parts;
    if (chosen.length > 0) {
      try {
        const row = await withinBudget(sql, statementOf(chosen), partTimeoutMs);
        let column = 0;
        for (const p of chosen) {
          values.set(p, row.slice(column, column + p.columns.length));
          column += p.columns.length;
        }
      } catch (error) {
        log.warn("dashboard statement failed; building its parts one by one", {
          error: error instanceof Error ? error.message : String(error),
        });
        await runPartsAlone(chosen, values, errors);
      }
    }

    const members: Member[] = [];
    for (const p of parts) {
      const partValues = values.get(p) ?? (chosen.includes(p) ? undefined : held.get(p));
      try {
        members.push(...(partValues ? p.render(partValues) : p.fallback()));
        if (partValues) held.set(p, partValues);
        else held.delete(p);
      } catch (error) {
        errors.push({ part: p.name, message: error instanceof Error ? error.message : String(error) });
        members.push(...p.fallback());
        held.delete(p);
      }
    }
    errors.sort((a, b) => order(a.part) - order(b.part));
    for (const e of errors) log.warn("dashboard part failed", { part: e.part, error: e.message });

    let content = "{";
    for (const [key, json] of members) content += `${JSON.stringify(key)}:${json},`;
    content += `"partial":${errors.length > 0},"errors":${JSON.stringify(errors)}`;
    return {
      body: `${content},"generated_at":"${generatedAt}"}`,
      etag: `W/"${Bun.hash(content).toString(36)}"`,
      partial: errors.length > 0,
      errors,
      generatedAt,
      buildMs: performance.now() - started,
      queried: chosen.map((p) => p.name),
    };
  };
}
