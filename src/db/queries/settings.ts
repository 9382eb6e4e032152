import type { Queryable } from "../client";

const LIVE_TRADING = "live_trading";
const ENTRIES_ENABLED = "entries_enabled";

async function readFlag(sql: Queryable, key: string): Promise<boolean | undefined> {
  const [row] = await sql<
    { on: boolean }[]
  >`select value = 'true'::jsonb as on from trading_settings where key = ${key}`;
  return row?.on;
}

async function writeFlag(sql: Queryable, key: string, on: boolean): Promise<void> {
  await sql`
    insert into trading_settings (key, value) values (${key}, ${JSON.stringify(on)})
    on conflict (key) do update set value = excluded.value, updated_at = now()`;
}

/** Whether live trading is switched on; false unless the operator set it (read for every order). */
export async function readLiveTrading(sql: Queryable): Promise<boolean> {
  return (await readFlag(sql, LIVE_TRADING)) ?? false;
}

/** Switches live trading on or off. */
export async function writeLiveTrading(sql: Queryable, on: boolean): Promise<void> {
  await writeFlag(sql, LIVE_TRADING, on);
}

/** Whether signals may open new positions; true unless the operator paused entries. */
export async function readEntriesEnabled(sql: Queryable): Promise<boolean> {
  return (await readFlag(sql, ENTRIES_ENABLED)) ?? true;
}

/** Pauses or resumes new entries. */
export async function writeEntriesEnabled(sql: Queryable, on: boolean): Promise<void> {
  await writeFlag(sql, ENTRIES_ENABLED, on);
}
