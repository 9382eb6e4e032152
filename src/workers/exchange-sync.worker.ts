import { createExchangeClient } from "../exchanges";
import { runExchangeSyncCycle } from "../services/exchange-sync";
import { runWorker } from "./runtime";

runWorker({
  name: "exchange_sync",
  startDelayMs: (config) => config.EXCHANGE_SYNC_START_DELAY_MS,
  intervalMs: (config) => config.EXCHANGE_SYNC_INTERVAL_MS,
  setup: async ({ config, database, log, stopping }) => {
    const exchange = await createExchangeClient(config, { sql: database.sql, log });
    return {
      runOnce: () =>
        runExchangeSyncCycle({
          sql: database.sql,
          exchange,
          log,
          pageSize: config.EXCHANGE_SYNC_PAGE_SIZE,
          stopping,
        }),
      close: () => exchange.close(),
    };
  },
});
