/**
 * The Worker glue of a background service: the protocol with the supervisor (init, stop, heartbeats, states,
 * runs), the worker's own config and pool, leadership, and clean-up. The loop itself is in loop.ts.
 */
import { setPriority } from "node:os";
import { type Config, loadConfig, type ServiceName } from "../config";
import { createDatabase, type Database } from "../db/client";
import { isDatabaseUnavailable } from "../db/errors";
import { recordServiceRun } from "../db/queries/service-state";
import { createLogger, type Logger } from "../lib/logger";
import { Leadership } from "./leadership";
import { WorkerLoop } from "./loop";
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

/**
 * Runs a service inside a Bun Worker: waits for `init`, parses its environment into the worker's Config, opens its
 * own pool and runs the service's WorkerLoop; a `stop` message ends the loop cooperatively.
 */
export function runWorker(definition: WorkerDefinition): void {
  let stopRequested = false;
  let loop: WorkerLoop | undefined;
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
      void run(message).catch((error) => {
        // Escalate: the supervisor sees the worker crash and restarts it with backoff.
        setTimeout(() => {
          throw error;
        });
      });
    } else {
      stopRequested = true;
      loop?.stop();
      for (const wake of [...wakers]) wake();
    }
  };

  async function run(init: InitMessage): Promise<void> {
    const config = loadConfig(init.environment);
    const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }).child({
      service: definition.name,
    });
    survivesLostConnections(log);
    lowerPriority(config.WORKER_NICE, log);
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
      // Every transaction a service opens is fenced: a replica that lost its lock writes nothing more.
      database: { ...database, sql: leadership.fenced(database.sql) },
      log,
      stopping: () => stopRequested,
    };
    let service: Awaited<ReturnType<WorkerDefinition["setup"]>> | undefined;

    loop = new WorkerLoop({
      intervalMs: definition.intervalMs(config),
      startDelayMs: definition.startDelayMs(config),
      leaderPollMs: init.leaderPollMs,
      leads: () => leadership.check(),
      cycle: async () => {
        service ??= await definition.setup(context);
        await service.runOnce();
      },
      sleep,
      onState: (state, reason) => {
        if (state === "running" || state === "standby") {
          post({ type: "state", state });
          log.info(state === "running" ? "leading: running" : "another process leads: standby");
        } else if (state === "failed") {
          log.error("stopping: the error needs a human (started again through the API)", { error: reason });
          post({ type: "failed", reason: reason ?? "failed" });
        }
      },
      onCycle: async ({ startedAt, finishedAt, ok, error: message, failures }, error) => {
        if (!ok) log.error("cycle failed", { error, failures });
        post({ type: "run", startedAt, finishedAt, ok, error: message });
        await recordServiceRun(database.sql, definition.name, { startedAt, ok, error: message }).catch(() => {});
      },
    });
    if (stopRequested) loop.stop();
    await loop.run();

    await service?.close?.();
    await leadership.release();
    clearInterval(heartbeat);
    await database.close(2);
    log.info("stopped");
    log.flush();
    post({ type: "stopped" });
  }
}

/**
 * Lowers this worker thread's CPU priority (Linux nice values are per thread): a service's bursts (a history
 * import builds and sends thousands of rows a second) then wait for the cores instead of the HTTP thread.
 */
function lowerPriority(nice: number, log: Logger): void {
  if (nice === 0) return;
  try {
    setPriority(nice);
  } catch (error) {
    log.warn("could not lower the worker's CPU priority", { nice, error: (error as Error).message });
  }
}

/**
 * A lost database connection that surfaces outside any await (a socket's error event, a query rejected after
 * its caller moved on) is logged, not a crash: the cycle's own queries fail with it and are retried. Any other
 * error still crashes the worker (thrown again with no handler left), for the supervisor to restart it.
 */
function survivesLostConnections(log: Logger): void {
  const onError = (error: unknown) => {
    if (isDatabaseUnavailable(error)) {
      log.warn("lost database connection outside a query; carrying on", { error: (error as Error).message });
      return;
    }
    process.off("unhandledRejection", onError);
    process.off("uncaughtException", onError);
    setTimeout(() => {
      throw error;
    });
  };
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
}
