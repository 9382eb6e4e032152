import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  deleteLoan,
  findLoan,
  insertLoan,
  type LoanFields,
  type LoanJson,
  listLoans,
  updateLoan,
} from "../db/queries/loans";
import { Conflict, NotFound } from "../domain/errors";

export type { LoanFields, LoanJson };

/** Loans by currency. */
export async function getLoans({ sql }: Database, active?: boolean): Promise<LoanJson[]> {
  return listLoans(sql, active);
}

const noLoan = (id: number) => new NotFound(`no loan with id ${id}`);

/** One loan; NotFound when there is none. */
export async function getLoan({ sql }: Database, id: number): Promise<LoanJson> {
  const loan = await findLoan(sql, id);
  if (!loan) throw noLoan(id);
  return loan;
}

/** Records a loan the operator entered; Conflict when the currency already has one. */
export async function addLoan(
  database: Database,
  currency: string,
  fields: LoanFields & { borrowedAmount: string },
): Promise<LoanJson> {
  const loan = await insertLoan(database.sql, currency, fields);
  if (!loan) throw new Conflict(`a loan in ${currency} already exists; change it instead`);
  await notifyChange(database.sql, "loans");
  return loan;
}

/** Changes a loan; NotFound when there is none. */
export async function changeLoan(database: Database, id: number, fields: LoanFields): Promise<LoanJson> {
  const loan = await updateLoan(database.sql, id, fields);
  if (!loan) throw noLoan(id);
  await notifyChange(database.sql, "loans");
  return loan;
}

/** Deletes a loan; NotFound when there is none. An auto-detected loan comes back while the balance stays negative. */
export async function removeLoan(database: Database, id: number): Promise<void> {
  if (!(await deleteLoan(database.sql, id))) throw noLoan(id);
  await notifyChange(database.sql, "loans");
}
