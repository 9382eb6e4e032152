import { runExchangeSyncCycle } from "../services/exchange-sync";
import { closeOrderClients, createOrderClients } from "../services/order-clients";
import { runWorker } from "./runtime";

runWorker({
  name: "exchange_sync",
  startDelayMs: (config) => config.EXCHANGE_SYNC_START_DELAY_MS,
  intervalMs: (config) => config.EXCHANGE_SYNC_INTERVAL_MS,
  setup: async ({ config, database, log, stopping }) => {
    // A live account comes with its paper twin: orders placed there are reconciled with it, not with the account.
    const clients = await createOrderClients(config, { sql: database.sql, log });
    return {
      runOnce: () =>
        runExchangeSyncCycle({
          sql: database.sql,
          exchange: clients.exchange,
          paperTwin: clients.paperExchange,
          log,
          pageSize: config.EXCHANGE_SYNC_PAGE_SIZE,
          stopping,
        }),
      close: () => closeOrderClients(clients),
    };
  },
});
