import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { tradingSettings } from "../schema";

const LIVE_TRADING = "live_trading";
const ENTRIES_ENABLED = "entries_enabled";

async function readFlag(db: Db, key: string): Promise<boolean | undefined> {
  const [row] = await db
    .select({ value: tradingSettings.value })
    .from(tradingSettings)
    .where(eq(tradingSettings.key, key));
  return row === undefined ? undefined : row.value === true;
}

async function writeFlag(db: Db, key: string, on: boolean): Promise<void> {
  await db
    .insert(tradingSettings)
    .values({ key, value: on })
    .onConflictDoUpdate({ target: tradingSettings.key, set: { value: on, updatedAt: new Date() } });
}

/** Whether live trading is switched on; false unless the operator set it (read for every order). */
export async function readLiveTrading(db: Db): Promise<boolean> {
  return (await readFlag(db, LIVE_TRADING)) ?? false;
}

/** Switches live trading on or off. */
export async function writeLiveTrading(db: Db, on: boolean): Promise<void> {
  await writeFlag(db, LIVE_TRADING, on);
}

/** Whether signals may open new positions; true unless the operator paused entries. */
export async function readEntriesEnabled(db: Db): Promise<boolean> {
  return (await readFlag(db, ENTRIES_ENABLED)) ?? true;
}

/** Pauses or resumes new entries. */
export async function writeEntriesEnabled(db: Db, on: boolean): Promise<void> {
  await writeFlag(db, ENTRIES_ENABLED, on);
}
