import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps } from "./columns";

/** Operator settings read at the moment they matter, e.g. `live_trading` for every order. */
export const tradingSettings = pgTable("trading_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  ...timestamps,
});
