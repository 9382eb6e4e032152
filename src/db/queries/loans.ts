/** Loans: their JSON rendering (API, portfolio and dashboard) and the operator's writes. */
import type { Queryable } from "../client";
import { type Fragment, isoUtc } from "./sql";

/** A loan as rendered by loanFields. */
export interface LoanJson {
  id: number;
  currency: string;
  borrowed_amount: string;
  borrowed_usd: string;
  interest_rate: string | null;
  is_active: boolean;
  auto_detected: boolean;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

/** Fields an operator may set on a loan. */
export interface LoanFields {
  borrowedAmount?: string;
  borrowedUsd?: string;
  interestRate?: string | null;
  isActive?: boolean;
  notes?: string | null;
}

const COLUMNS: Record<keyof LoanFields, string> = {
  borrowedAmount: "borrowed_amount",
  borrowedUsd: "borrowed_usd",
  interestRate: "interest_rate",
  isActive: "is_active",
  notes: "notes",
};

/** A loan as the API, the portfolio and the dashboard render it (the table aliased `t`). */
export function loanFields(sql: Queryable): Fragment {
  return sql`t.id, t.currency, t.borrowed_amount::text as borrowed_amount, t.borrowed_usd::text as borrowed_usd,
    t.interest_rate::text as interest_rate, t.is_active, t.auto_detected, t.notes,
    ${isoUtc(sql, "t.created_at")} as created_at, ${isoUtc(sql, "t.updated_at")} as updated_at` as unknown as Fragment;
}

/** Loans by currency, optionally only active (or inactive) ones. */
export async function listLoans(sql: Queryable, active?: boolean): Promise<LoanJson[]> {
  const rows = await sql<LoanJson[]>`
    select ${loanFields(sql)} from portfolio_loans t
    ${active === undefined ? sql`` : sql`where t.is_active = ${active}`} order by t.currency`;
  return rows.map(withNumberId);
}

/** int8 ids read as strings; the JSON shows numbers (as row_to_json renders them). */
function withNumberId<R extends { id: number | string }>(row: R): R & { id: number } {
  return { ...row, id: Number(row.id) };
}

/** One loan by id, or null. */
export async function findLoan(sql: Queryable, id: number): Promise<LoanJson | null> {
  const [row] = await sql<LoanJson[]>`select ${loanFields(sql)} from portfolio_loans t where t.id = ${id}`;
  return row ? withNumberId(row) : null;
}

/** The given fields by column name. */
function columnValues(fields: LoanFields): Record<string, string | boolean | null> {
  return Object.fromEntries(
    (Object.keys(COLUMNS) as (keyof LoanFields)[]).flatMap((key) =>
      fields[key] === undefined ? [] : [[COLUMNS[key], fields[key] as string | boolean | null]],
    ),
  );
}

/** Adds a loan entered by the operator; null when the currency already has one. */
export async function insertLoan(
  sql: Queryable,
  currency: string,
  fields: LoanFields & { borrowedAmount: string },
): Promise<LoanJson | null> {
  const row = { currency, ...columnValues(fields) };
  const [loan] = await sql<LoanJson[]>`
    with t as (insert into portfolio_loans ${sql(row as Record<string, string>)} on conflict (currency) do nothing
      returning *)
    select ${loanFields(sql)} from t`;
  return loan ? withNumberId(loan) : null;
}

/** Changes a loan; null when there is none with this id. */
export async function updateLoan(sql: Queryable, id: number, fields: LoanFields): Promise<LoanJson | null> {
  const set = Object.entries(columnValues(fields))
    .map(([column, value]) => sql`${sql(column)} = ${value}`)
    .reduce((all, assignment) => sql`${all}, ${assignment}`, sql`updated_at = now()`);
  const [loan] = await sql<LoanJson[]>`
    with t as (update portfolio_loans set ${set} where id = ${id} returning *)
    select ${loanFields(sql)} from t`;
  return loan ? withNumberId(loan) : null;
}

/** Deletes a loan; false when there is none with this id. */
export async function deleteLoan(sql: Queryable, id: number): Promise<boolean> {
  const rows = await sql`delete from portfolio_loans where id = ${id} returning 1`;
  return rows.length > 0;
}
