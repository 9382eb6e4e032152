/** SQL building blocks shared by the runtime queries (postgres.js fragments). */
import type { PendingQuery, Row } from "postgres";
import type { Queryable } from "../client";

/** A piece of SQL to splice into a larger statement (postgres.js fragment). */
export type Fragment = PendingQuery<Row[]>;

/**
 * A literal list of fixed values (`'NEW', 'ACTIVE'`), generated from the vocabulary's constants. Literals, not
 * bind parameters: a partial index whose predicate lists the same values only applies to a literal predicate.
 */
export function inList(sql: Queryable, values: readonly string[]): Fragment {
  return sql.unsafe(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ")) as unknown as Fragment;
}

/** An instant as Date.prototype.toISOString writes it (milliseconds, `Z`), whatever the session's TimeZone. */
export function isoUtc(sql: Queryable, column: string): Fragment {
  return sql`to_char(${sql(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` as unknown as Fragment;
}

/** A keyset position: (time, id) of the last row of a page; the next page starts strictly after it. */
export interface KeysetPosition {
  time: string;
  id: number;
}

/** The keyset time of a row with microseconds (the shown time has milliseconds), selected as `position_time`. */
export function keysetTime(sql: Queryable, column: string): Fragment {
  return sql`to_char(${sql(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position_time` as unknown as Fragment;
}

/** `and (time, id) < (after)` for a descending keyset page, or nothing on the first page. */
export function keysetAfter(sql: Queryable, time: string, id: string, after?: KeysetPosition): Fragment {
  return (after
    ? sql`and (${sql(time)}, ${sql(id)}) < (${after.time}::timestamptz, ${after.id})`
    : sql``) as unknown as Fragment;
}

/** Splits the `limit + 1` rows of a keyset query into the page and the position the next page starts after. */
export function keysetPage<R extends { id: string; position_time: string }, J>(
  rows: R[],
  limit: number,
  toJson: (row: R) => J,
): { items: J[]; next: KeysetPosition | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toJson),
    next: rows.length > limit && last ? { time: last.position_time, id: Number(last.id) } : null,
  };
}

/**
 * A JSON array of the rows of `from` (aliased t, then `joins` if given), each an object of `fields`, in `order`
 * (compact, row_to_json).
 */
export function jsonList(
  sql: Queryable,
  fields: Fragment,
  from: Fragment,
  order: Fragment,
  joins?: Fragment,
): Fragment {
  return sql`coalesce((select array_to_json(array_agg((select r from (select ${fields}) r) order by ${order}))
      from (${from}) t ${joins ?? sql``}), '[]')` as unknown as Fragment;
}
