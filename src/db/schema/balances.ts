import { pgTable, text } from "drizzle-orm/pg-core";
import { amount, timestamps } from "./columns";

/** The exchange account's balances, one row per asset. */
export const exchangeBalances = pgTable("exchange_balances", {
  asset: text("asset").primaryKey(),
  free: amount("free").notNull().default("0"),
  locked: amount("locked").notNull().default("0"),
  total: amount("total").notNull().default("0"),
  usdValue: amount("usd_value"),
  ...timestamps,
});
