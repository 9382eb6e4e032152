import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { tradingSettings } from "../schema";

const LIVE_TRADING = "live_trading";

/** Whether live trading is switched on; false unless the operator set it (read for every order). */
export async function readLiveTrading(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ value: tradingSettings.value })
    .from(tradingSettings)
    .where(eq(tradingSettings.key, LIVE_TRADING));
  return row?.value === true;
}

/** Switches live trading on or off. */
export async function writeLiveTrading(db: Db, on: boolean): Promise<void> {
  await db
    .insert(tradingSettings)
    .values({ key: LIVE_TRADING, value: on })
    .onConflictDoUpdate({ target: tradingSettings.key, set: { value: on, updatedAt: new Date() } });
}
