import type { ServiceName } from "../config";
import type { ServiceDefinition } from "./supervisor";

const workerUrl = (file: string) => new URL(file, import.meta.url).href;

/** Every background service and the module its worker runs. */
export const SERVICE_DEFINITIONS: readonly (ServiceDefinition & { name: ServiceName })[] = [
  { name: "exchange_sync", workerUrl: workerUrl("./exchange-sync.worker.ts") },
  { name: "signal_monitor", workerUrl: workerUrl("./signal-monitor.worker.ts") },
  { name: "trading_scheduler", workerUrl: workerUrl("./trading-scheduler.worker.ts") },
];
