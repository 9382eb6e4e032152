import { bigint, boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { amount, instant, timestamps } from "./columns";

/** Portfolio value over time, one row per sync cycle. */
export const portfolioSnapshots = pgTable(
  "portfolio_snapshots",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    totalAssetsUsd: amount("total_assets_usd").notNull(),
    totalBorrowedUsd: amount("total_borrowed_usd").notNull(),
    netUsd: amount("net_usd").notNull(),
    takenAt: instant("taken_at").notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [index("portfolio_snapshots_taken_at_idx").on(t.takenAt.desc())],
);

/** Borrowed amounts, detected from negative balances or entered by the operator. */
export const portfolioLoans = pgTable(
  "portfolio_loans",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    currency: text("currency").notNull(),
    borrowedAmount: amount("borrowed_amount").notNull(),
    borrowedUsd: amount("borrowed_usd").notNull().default("0"),
    interestRate: amount("interest_rate"),
    isActive: boolean("is_active").notNull().default(true),
    autoDetected: boolean("auto_detected").notNull().default(false),
    notes: text("notes"),
    ...timestamps,
  },
  (t) => [uniqueIndex("portfolio_loans_currency_key").on(t.currency)],
);
