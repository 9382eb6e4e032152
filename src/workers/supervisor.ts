import type { ServiceLifecycle, ServiceStatus, ServiceStatusSource } from "../domain/service-status";
import type { Logger } from "../lib/logger";
import { type FromWorkerMessage, fromWorkerMessage, type InitMessage } from "./protocol";

/** A service the supervisor can run: its name and the module of its worker. */
export interface ServiceDefinition {
  name: string;
  workerUrl: string;
}

export interface SupervisorOptions {
  definitions: ServiceDefinition[];
  /** The environment record workers parse their Config from (see workerEnvironment in config.ts). */
  environment: Record<string, string>;
  databaseUrl: string;
  log: Logger;
  /** Restart delay after a crash: base × 2^(crashes − 1), capped, with jitter. */
  restartBaseMs?: number;
  restartMaxMs?: number;
  heartbeatMs?: number;
  /** A worker silent for this long is treated as hung and restarted. */
  heartbeatTimeoutMs?: number;
  leaderPollMs?: number;
  /** How long a stopping worker may take before it is terminated. */
  stopGraceMs?: number;
  /** A worker running this long without crashing has its crash count reset. */
  stableAfterMs?: number;
  random?: () => number;
  /** Called whenever a service changes state (e.g. to refresh what the dashboard shows). */
  onStateChange?: (name: string, state: ServiceLifecycle) => void;
}

interface ServiceHandle {
  definition: ServiceDefinition;
  state: ServiceLifecycle;
  wanted: boolean;
  worker?: Worker;
  lastRunAt: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  restarts: number;
  failedCycles: number;
  crashes: number;
  lastHeartbeat: number;
  startedAt: number;
  restartTimer?: Timer;
  /** Why the service stopped itself (state `failed`), until it is started again. */
  failure?: string;
  stopped?: () => void;
}

/**
 * Runs each background service in its own Bun Worker: starts the enabled ones, restarts a crashed
 * or silent one with exponential backoff, stops one cooperatively, and reports their states.
 */
export class Supervisor implements ServiceStatusSource {
  private readonly handles = new Map<string, ServiceHandle>();
  private readonly watchdog: Timer;
  private readonly o: Required<
    Omit<SupervisorOptions, "definitions" | "environment" | "databaseUrl" | "log" | "onStateChange">
  > &
    SupervisorOptions;

  constructor(options: SupervisorOptions) {
    this.o = {
      restartBaseMs: 1000,
      restartMaxMs: 60_000,
      heartbeatMs: 1000,
      heartbeatTimeoutMs: 30_000,
      leaderPollMs: 2000,
      stopGraceMs: 5000,
      stableAfterMs: 60_000,
      random: Math.random,
      ...options,
    };
    for (const definition of options.definitions) {
      this.handles.set(definition.name, {
        definition,
        state: "stopped",
        wanted: false,
        lastRunAt: null,
        lastSuccessAt: null,
        lastError: null,
        failedCycles: 0,
        restarts: 0,
        crashes: 0,
        lastHeartbeat: 0,
        startedAt: 0,
      });
    }
    this.watchdog = setInterval(() => this.checkHeartbeats(), Math.max(100, this.o.heartbeatMs));
    this.watchdog.unref();
  }

  /** Names of the services this supervisor knows. */
  names(): string[] {
    return [...this.handles.keys()];
  }

  /** Starts a service (no-op if it is already wanted running). */
  start(name: string): void {
    const handle = this.require(name);
    if (handle.wanted) return;
    handle.wanted = true;
    handle.crashes = 0;
    handle.failure = undefined;
    this.spawn(handle);
  }

  /** Stops a service cooperatively; resolves once its worker is gone. */
  async stop(name: string): Promise<void> {
    const handle = this.require(name);
    handle.wanted = false;
    clearTimeout(handle.restartTimer);
    const worker = handle.worker;
    if (!worker) {
      this.setState(handle, "stopped");
      return;
    }
    const stopped = new Promise<void>((resolve) => {
      handle.stopped = resolve;
    });
    worker.postMessage({ type: "stop" });
    const grace = setTimeout(() => this.finish(handle, "stop grace period over"), this.o.stopGraceMs);
    await stopped;
    clearTimeout(grace);
  }

  /** Stops every running service (used at shutdown). */
  async stopAll(): Promise<void> {
    clearInterval(this.watchdog);
    await Promise.all(this.names().map((name) => this.stop(name)));
  }

  /** The state of every service. */
  statuses(): ServiceStatus[] {
    return [...this.handles.values()].map((h) => ({
      name: h.definition.name,
      state: h.state,
      enabled: h.wanted,
      last_run_at: iso(h.lastRunAt),
      last_success_at: iso(h.lastSuccessAt),
      last_error: h.lastError,
      restarts: h.restarts,
      failed_cycles: h.failedCycles,
    }));
  }

  private setState(handle: ServiceHandle, state: ServiceLifecycle): void {
    if (handle.state === state) return;
    handle.state = state;
    this.o.onStateChange?.(handle.definition.name, state);
  }

  private require(name: string): ServiceHandle {
    const handle = this.handles.get(name);
    if (!handle) throw new Error(`unknown service ${name}`);
    return handle;
  }

  private spawn(handle: ServiceHandle): void {
    const { log } = this.o;
    const worker = new Worker(handle.definition.workerUrl);
    handle.worker = worker;
    this.setState(handle, "starting");
    handle.startedAt = Date.now();
    handle.lastHeartbeat = Date.now();
    worker.onmessage = (event: MessageEvent) => {
      const parsed = fromWorkerMessage.safeParse(event.data);
      if (!parsed.success) {
        log.warn("ignoring a malformed worker message", { service: handle.definition.name });
        return;
      }
      this.onMessage(handle, parsed.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.crashed(handle, worker, event.message || "worker error");
    };
    worker.addEventListener("close", () => this.crashed(handle, worker, "worker exited unexpectedly"));
    const init: InitMessage = {
      type: "init",
      name: handle.definition.name,
      databaseUrl: this.o.databaseUrl,
      environment: this.o.environment,
      heartbeatMs: this.o.heartbeatMs,
      leaderPollMs: this.o.leaderPollMs,
    };
    worker.postMessage(init);
    log.info("service starting", { service: handle.definition.name });
  }

  private onMessage(handle: ServiceHandle, message: FromWorkerMessage): void {
    handle.lastHeartbeat = Date.now();
    switch (message.type) {
      case "heartbeat":
        break;
      case "state":
        this.setState(handle, message.state);
        break;
      case "run":
        handle.lastRunAt = message.startedAt;
        if (message.ok) handle.lastSuccessAt = message.finishedAt;
        else {
          handle.lastError = message.error ?? "cycle failed";
          handle.failedCycles++;
        }
        if (Date.now() - handle.startedAt > this.o.stableAfterMs) handle.crashes = 0;
        break;
      case "failed":
        // Not restarted: wanted again only when someone starts it.
        handle.wanted = false;
        handle.failure = message.reason;
        handle.lastError = message.reason;
        this.setState(handle, "failed");
        this.o.log.error("service failed; start it again once fixed", {
          service: handle.definition.name,
          reason: message.reason,
        });
        break;
      case "stopped":
        this.finish(handle, handle.failure ? "failed" : "stopped");
        break;
    }
  }

  /** The worker is done (stopped or past its grace period): terminate it and settle the state. */
  private finish(handle: ServiceHandle, reason: string): void {
    const worker = handle.worker;
    handle.worker = undefined;
    this.setState(handle, handle.failure ? "failed" : "stopped");
    if (worker) worker.terminate();
    this.o.log.info("service stopped", { service: handle.definition.name, reason });
    handle.stopped?.();
    handle.stopped = undefined;
  }

  private crashed(handle: ServiceHandle, worker: Worker, reason: string): void {
    if (handle.worker !== worker) return; // already handled, or a deliberate stop
    handle.worker = undefined;
    worker.terminate();
    this.setState(handle, "crashed");
    handle.lastError = reason;
    if (!handle.wanted) {
      handle.stopped?.();
      return;
    }
    handle.crashes++;
    const base = Math.min(this.o.restartMaxMs, this.o.restartBaseMs * 2 ** (handle.crashes - 1));
    const delay = Math.round(base / 2 + (this.o.random() * base) / 2);
    this.o.log.error("service crashed; restarting", { service: handle.definition.name, reason, delay_ms: delay });
    handle.restartTimer = setTimeout(() => {
      if (!handle.wanted) return;
      handle.restarts++;
      this.spawn(handle);
    }, delay);
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    for (const handle of this.handles.values()) {
      if (handle.worker && now - handle.lastHeartbeat > this.o.heartbeatTimeoutMs) {
        this.crashed(handle, handle.worker, `no heartbeat for ${this.o.heartbeatTimeoutMs} ms`);
      }
    }
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
