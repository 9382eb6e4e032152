import { sql } from "drizzle-orm";
import { numeric, timestamp } from "drizzle-orm/pg-core";

/** An exact decimal amount; read back as a string, never a float. */
export const amount = (name: string) => numeric(name);

/** A UTC instant. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** created_at / updated_at, present on every table. */
export const timestamps = {
  createdAt: instant("created_at").notNull().defaultNow(),
  updatedAt: instant("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

/** A literal SQL list of fixed values, for CHECK constraints and partial-index predicates. */
export const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));
