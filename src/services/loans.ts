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
import { Conflict, NotFound } from "../domain/errors";

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

const noLoan = (id: number) => new NotFound(`no loan with id ${id}`);

/** One loan; NotFound when there is none. */
export async function getLoan({ db }: Database, id: number): Promise<LoanJson> {
  const loan = await findLoan(db, id);
  if (!loan) throw noLoan(id);
  return loanJson(loan);
}

/** Records a loan the operator entered; Conflict when the currency already has one. */
export async function addLoan(
  database: Database,
  currency: string,
  fields: LoanFields & { borrowedAmount: string },
): Promise<LoanJson> {
  const loan = await insertLoan(database.db, currency, fields);
  if (!loan) throw new Conflict(`a loan in ${currency} already exists; change it instead`);
  await notifyChange(database.sql, "loans");
  return loanJson(loan);
}

/** Changes a loan; NotFound when there is none. */
export async function changeLoan(database: Database, id: number, fields: LoanFields): Promise<LoanJson> {
  const loan = await updateLoan(database.db, id, fields);
  if (!loan) throw noLoan(id);
  await notifyChange(database.sql, "loans");
  return loanJson(loan);
}

/** Deletes a loan; NotFound when there is none. An auto-detected loan comes back while the balance stays negative. */
export async function removeLoan(database: Database, id: number): Promise<void> {
  if (!(await deleteLoan(database.db, id))) throw noLoan(id);
  await notifyChange(database.sql, "loans");
}
