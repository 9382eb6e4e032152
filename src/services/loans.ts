import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  deleteLoan,
  findLoan,
  insertLoan,
  type LoanFields,
  type LoanRow,
  listLoans,
  updateLoan,
} from "../db/queries/loans";

export type { LoanFields };

/** A loan as the API shows it. */
export function loanJson(loan: LoanRow) {
  return {
    id: loan.id,
    currency: loan.currency,
    borrowed_amount: loan.borrowedAmount,
    borrowed_usd: loan.borrowedUsd,
    interest_rate: loan.interestRate,
    is_active: loan.isActive,
    auto_detected: loan.autoDetected,
    notes: loan.notes,
    created_at: loan.createdAt.toISOString(),
    updated_at: loan.updatedAt.toISOString(),
  };
}
export type LoanJson = ReturnType<typeof loanJson>;

/** Loans by currency. */
export async function getLoans({ db }: Database, active?: boolean): Promise<LoanJson[]> {
  return (await listLoans(db, active)).map(loanJson);
}

/** One loan, or null. */
export async function getLoan({ db }: Database, id: number): Promise<LoanJson | null> {
  const loan = await findLoan(db, id);
  return loan && loanJson(loan);
}

/** Records a loan the operator entered; null when the currency already has one. */
export async function addLoan(
  database: Database,
  currency: string,
  fields: LoanFields & { borrowedAmount: string },
): Promise<LoanJson | null> {
  const loan = await insertLoan(database.db, currency, fields);
  if (!loan) return null;
  await notifyChange(database.sql, "loans");
  return loanJson(loan);
}

/** Changes a loan; null when there is none. */
export async function changeLoan(database: Database, id: number, fields: LoanFields): Promise<LoanJson | null> {
  const loan = await updateLoan(database.db, id, fields);
  if (!loan) return null;
  await notifyChange(database.sql, "loans");
  return loanJson(loan);
}

/** Deletes a loan; false when there is none. An auto-detected loan comes back while the balance stays negative. */
export async function removeLoan(database: Database, id: number): Promise<boolean> {
  const removed = await deleteLoan(database.db, id);
  if (removed) await notifyChange(database.sql, "loans");
  return removed;
}
