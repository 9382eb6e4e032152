import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { MIGRATIONS_DIR, runMigrations } from "../../src/db/migrate";
import { createTestDatabaseUrl } from "../helpers/cluster";

/** The migrations before the books kept their open lots' totals: the journal cut just before that migration. */
function migrationsBeforeOpenTotals(): string {
  const dir = mkdtempSync(join(tmpdir(), "atp-old-migrations-"));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith("_position_open_totals"));
  if (cut < 0) throw new Error("no position_open_totals migration");
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe("the open-totals migration fills the books from the lots booked before it", async () => {
  const url = await createTestDatabaseUrl({ empty: true });
  const oldDir = migrationsBeforeOpenTotals();
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await migrate(drizzle(admin), { migrationsFolder: oldDir });
  // Books as the code before wrote them: BTC with two open lots, one sold out and one closed as dust; ETH flat.
  await admin`insert into position_books (account, symbol) values ('paper', 'BTC_USDT'), ('paper', 'ETH_USDT')`;
  await admin`insert into position_lots (account, symbol, entry_order_id, opened_at, quantity, entry_value, entry_fee,
      remaining, remaining_cost, remaining_fee, exit_quantity, exit_value, exit_fee, closed_cost, closed_fee, closed_at)
    values
      ('paper', 'BTC_USDT', 'b1', now(), 1, 100, 0.1, 0.5, 50, 0.05, 0.5, 60, 0, 50, 0.05, null),
      ('paper', 'BTC_USDT', 'b2', now(), 2, 220, 0, 2, 220, 0, 0, 0, 0, 0, 0, null),
      ('paper', 'BTC_USDT', 'b3', now(), 1, 90, 0, 0, 0, 0, 1, 95, 0, 90, 0, now()),
      ('paper', 'BTC_USDT', 'b4', now(), 1, 90, 0, 0.0001, 0.009, 0, 0.9999, 95, 0, 89.991, 0, now()),
      ('paper', 'ETH_USDT', 'e1', now(), 1, 2000, 0, 0, 0, 0, 1, 2100, 0, 2000, 0, now())`;
  await admin.end();
  await runMigrations(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  afterAll(async () => {
    await sql.end({ timeout: 5 });
    rmSync(oldDir, { recursive: true, force: true });
  });

  test("open quantity and cost are the sums over the open lots (remaining, not closed); a flat book is zero", async () => {
    const rows = await sql`select symbol, open_qty::text as open_qty, open_cost::text as open_cost
      from position_books order by symbol`;
    expect([...rows]).toEqual([
      { symbol: "BTC_USDT", open_qty: "2.5", open_cost: "270.05" },
      { symbol: "ETH_USDT", open_qty: "0", open_cost: "0" },
    ]);
  });
});
