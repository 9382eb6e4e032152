/** The trading scheduler's shared types: what its cycle, its signal orders and its daily summary take. */
import type { Config } from "../../config";
import type { Database } from "../../db/client";
import type { Logger } from "../../lib/logger";
import type { Notifier } from "../notifier/types";
import type { OrderClients } from "../order-clients";

export interface TradingSchedulerDeps {
  database: Database;
  clients: OrderClients;
  log: Logger;
  notifier: Notifier;
  config: Pick<
    Config,
    | "MAX_OPEN_POSITIONS"
    | "SIGNAL_COOLDOWN_S"
    | "SIGNAL_MAX_AGE_S"
    | "EXCHANGE_TIMEOUT_MS"
    | "DAILY_SUMMARY_TIME"
    | "DAILY_SUMMARY_TZ"
  >;
  now?: () => Date;
  stopping?: () => boolean;
  /** Signals claimed per cycle. */
  batchSize?: number;
}
