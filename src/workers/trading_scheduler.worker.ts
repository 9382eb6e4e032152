import { createExchangeClient } from "../exchanges";
import { notifierFromConfig } from "../services/notifier";
import { orderClients } from "../services/trading-mode";
import { runTradingSchedulerCycle } from "../services/trading-scheduler";
import { runWorker } from "./runtime";

runWorker({
  name: "trading_scheduler",
  startDelayMs: () => 0,
  intervalMs: (config) => config.TRADING_SCHEDULER_INTERVAL_MS,
  setup: async ({ config, database, log, stopping }) => {
    const exchange = await createExchangeClient(config, { sql: database.sql, log });
    // Orders stay on paper unless live_trading is on (read per order): a live account needs a paper twin.
    const paper = exchange.live
      ? await createExchangeClient({ ...config, EXCHANGE: "paper" }, { sql: database.sql, log })
      : exchange;
    const clients = orderClients(exchange, paper);
    if (!clients) throw new Error("no paper exchange to route orders to");
    const notifier = notifierFromConfig(config, log);
    return {
      runOnce: () => runTradingSchedulerCycle({ database, clients, log, notifier, config, stopping }),
      close: async () => {
        await notifier.settle();
        if (paper !== exchange) await paper.close();
        await exchange.close();
      },
    };
  },
});
