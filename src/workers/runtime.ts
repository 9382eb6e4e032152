import type { Config, ServiceName } from "../config";
import { createDatabase, type Database } from "../db/client";
import { recordServiceRun } from "../db/queries/service-state";
import { reactionTo } from "../domain/exchange-errors";
import { createLogger, type Logger } from "../lib/logger";
import { Leadership } from "./leadership";
import { type FromWorkerMessage, type InitMessage, toWorkerMessage } from "./protocol";

declare const self: Worker;

/** What a service's cycle gets to work with. */
export interface WorkerContext {
  name: ServiceName;
  config: Config;
  database: Database;
  log: Logger;
  /** True once a stop was requested: long cycles check it between steps and return early. */
  stopping(): boolean;
}

/** One background service: how to prepare it and what one cycle does. */
export interface WorkerDefinition {
  name: ServiceName;
  startDelayMs(config: Config): number;
  intervalMs(config: Config): number;
  setup(context: WorkerContext): Promise<{ runOnce(): Promise<unknown>; close?(): Promise<void> }>;
}

// After consecutive failed cycles the interval doubles, up to this factor.
const MAX_BACKOFF_FACTOR = 32;

/**
 * Runs a service inside a Bun Worker: waits for `init`, opens its own pool, waits the start delay,
 * then runs one cycle per interval while it holds the service's leadership; stops cooperatively.
 */
export function runWorker(definition: WorkerDefinition): void {
  let stopRequested = false;
  const wakers = new Set<() => void>();
  const post = (message: FromWorkerMessage) => self.postMessage(message);

  // A sleep that a stop request cuts short.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopRequested) return resolve();
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  self.onmessage = (event: MessageEvent) => {
    const message = toWorkerMessage.parse(event.data);
    if (message.type === "init") {
      void run(message as InitMessage).catch((error) => {
        // Escalate: the supervisor sees the worker crash and restarts it with backoff.
        setTimeout(() => {
          throw error;
        });
      });
    } else {
      stopRequested = true;
      for (const wake of [...wakers]) wake();
    }
  };

  async function run(init: InitMessage): Promise<void> {
    const { config } = init;
    const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }).child({
      service: definition.name,
    });
    const database = createDatabase({
      url: init.databaseUrl,
      max: config.WORKER_DB_POOL_MAX,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutS: config.DB_CONNECT_TIMEOUT_S,
      applicationName: `atp-${process.pid}-${definition.name}`,
    });
    const heartbeat = setInterval(() => post({ type: "heartbeat", at: Date.now() }), init.heartbeatMs);
    post({ type: "heartbeat", at: Date.now() });
    const leadership = new Leadership(database.sql, definition.name);
    const context: WorkerContext = {
      name: definition.name,
      config,
      database,
      log,
      stopping: () => stopRequested,
    };
    let service: Awaited<ReturnType<WorkerDefinition["setup"]>> | undefined;
    let leading: boolean | undefined;
    let failures = 0;

    await sleep(definition.startDelayMs(config));
    while (!stopRequested) {
      const leads = await leadership.check();
      if (leads !== leading) {
        leading = leads;
        post({ type: "state", state: leads ? "running" : "standby" });
        log.info(leads ? "leading: running" : "another process leads: standby");
      }
      if (!leads) {
        await sleep(init.leaderPollMs);
        continue;
      }
      const startedAt = Date.now();
      try {
        service ??= await definition.setup(context);
        await service.runOnce();
        failures = 0;
        post({ type: "run", startedAt, finishedAt: Date.now(), ok: true });
        await recordServiceRun(database.sql, definition.name, { startedAt, ok: true }).catch(() => {});
      } catch (error) {
        failures++;
        const message = error instanceof Error ? error.message : String(error);
        log.error("cycle failed", { error, failures });
        post({ type: "run", startedAt, finishedAt: Date.now(), ok: false, error: message });
        await recordServiceRun(database.sql, definition.name, { startedAt, ok: false, error: message }).catch(() => {});
        if (reactionTo(error) === "stop") {
          log.error("stopping: the error needs a human (started again through the API)", { error: message });
          post({ type: "failed", reason: message });
          break;
        }
      }
      await sleep(definition.intervalMs(config) * Math.min(2 ** failures, MAX_BACKOFF_FACTOR));
    }

    await service?.close?.();
    await leadership.release();
    clearInterval(heartbeat);
    await database.close(2);
    log.info("stopped");
    log.flush();
    post({ type: "stopped" });
  }
}
