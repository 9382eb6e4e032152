import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { insertSignal, listSignals, type SignalFilter, type SignalJson } from "../db/queries/signals";
import type { SignalSide } from "../domain/signals";

/** Strategy name of signals made through the test endpoint. */
export const SIMULATED_STRATEGY = "simulated";

/** A page of signals, newest first. */
export function listSignalPage(database: Database, filter: SignalFilter) {
  return listSignals(database.sql, filter);
}

/** What a simulated signal carries; everything the indicators would have said is left empty. */
export interface SimulatedSignal {
  symbol: string;
  side: SignalSide;
  price: string;
  shouldTrade: boolean;
  tradeAmountUsd: string | null;
  reason: string;
}

/** Records a pending signal as if the monitor had fired it (test endpoints only): the scheduler will pick it up. */
export async function simulateSignal(database: Database, input: SimulatedSignal, now: Date): Promise<SignalJson> {
  const signal = await insertSignal(database.sql, {
    ...input,
    strategy: SIMULATED_STRATEGY,
    rsi: null,
    ma50: null,
    ma200: null,
    ema10: null,
    atr: null,
    volumeRatio: null,
    createdAt: now,
  });
  await notifyChange(database.sql, "signals");
  return signal;
}
