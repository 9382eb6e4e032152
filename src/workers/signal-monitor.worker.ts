import { createExchangeClient } from "../exchanges";
import { notifierFromConfig } from "../services/notifier";
import { runSignalMonitorCycle } from "../services/signal-monitor";
import { runWorker } from "./runtime";

runWorker({
  name: "signal_monitor",
  startDelayMs: () => 0,
  intervalMs: (config) => config.SIGNAL_MONITOR_INTERVAL_MS,
  setup: async ({ config, database, log, stopping }) => {
    const exchange = await createExchangeClient(config, { sql: database.sql, log });
    const notifier = notifierFromConfig(config, log, database.sql);
    return {
      runOnce: () => runSignalMonitorCycle({ database, exchange, log, notifier, config, stopping }),
      close: async () => {
        await notifier.settle();
        await exchange.close();
      },
    };
  },
});
