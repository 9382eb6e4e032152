import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { portfolioLoans } from "../schema";

export type LoanRow = typeof portfolioLoans.$inferSelect;
/** Fields an operator may set on a loan. */
export type LoanFields = Partial<
  Pick<typeof portfolioLoans.$inferInsert, "borrowedAmount" | "borrowedUsd" | "interestRate" | "isActive" | "notes">
>;

/** Loans by currency, optionally only active (or inactive) ones. */
export async function listLoans(db: Db, active?: boolean): Promise<LoanRow[]> {
  return await db
    .select()
    .from(portfolioLoans)
    .where(active === undefined ? undefined : eq(portfolioLoans.isActive, active))
    .orderBy(asc(portfolioLoans.currency));
}

/** One loan by id, or null. */
export async function findLoan(db: Db, id: number): Promise<LoanRow | null> {
  const [row] = await db.select().from(portfolioLoans).where(eq(portfolioLoans.id, id));
  return row ?? null;
}

/** Adds a loan entered by the operator; null when the currency already has one. */
export async function insertLoan(
  db: Db,
  currency: string,
  fields: LoanFields & { borrowedAmount: string },
): Promise<LoanRow | null> {
  const [row] = await db
    .insert(portfolioLoans)
    .values({ currency, ...fields })
    .onConflictDoNothing({ target: portfolioLoans.currency })
    .returning();
  return row ?? null;
}

/** Changes a loan; null when there is none with this id. */
export async function updateLoan(db: Db, id: number, fields: LoanFields): Promise<LoanRow | null> {
  const [row] = await db.update(portfolioLoans).set(fields).where(eq(portfolioLoans.id, id)).returning();
  return row ?? null;
}

/** Deletes a loan; false when there is none with this id. */
export async function deleteLoan(db: Db, id: number): Promise<boolean> {
  const rows = await db.delete(portfolioLoans).where(eq(portfolioLoans.id, id)).returning({ id: portfolioLoans.id });
  return rows.length > 0;
}
