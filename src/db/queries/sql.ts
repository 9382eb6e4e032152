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
