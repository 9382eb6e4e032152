import { notifierFromConfig } from "../services/notifier";
import { closeOrderClients, createOrderClients } from "../services/order-clients";
import { runTradingSchedulerCycle } from "../services/trading-scheduler";
import { runWorker } from "./runtime";

runWorker({
  name: "trading_scheduler",
  startDelayMs: () => 0,
  intervalMs: (config) => config.TRADING_SCHEDULER_INTERVAL_MS,
  setup: async ({ config, database, log, stopping }) => {
    // Orders stay on paper unless live_trading is on (read per order): a live account comes with a paper twin.
    const clients = await createOrderClients(config, { sql: database.sql, log });
    const notifier = notifierFromConfig(config, log, database.sql);
    return {
      runOnce: () => runTradingSchedulerCycle({ database, clients, log, notifier, config, stopping }),
      close: async () => {
        await notifier.settle();
        await closeOrderClients(clients);
      },
    };
  },
});
