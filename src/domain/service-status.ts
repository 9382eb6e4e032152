/** Lifecycle states of a background service. */
/** `failed`: a cycle hit an error a human must fix (e.g. refused credentials); it stays down until started again. */
export const SERVICE_STATES = ["starting", "running", "stopped", "crashed", "standby", "failed"] as const;
export type ServiceLifecycle = (typeof SERVICE_STATES)[number];

/** What the supervisor reports about one background service. */
export interface ServiceStatus {
  name: string;
  state: ServiceLifecycle;
  enabled: boolean;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  restarts: number;
  /** Cycles that failed since the service started (a worker that retries with backoff, not a crash). */
  failed_cycles?: number;
}

/** Read access to the services' states, as the HTTP layer sees it. */
export interface ServiceStatusSource {
  statuses(): ServiceStatus[];
}

/** Control of the background services, as the HTTP layer sees it. */
export interface ServiceControl extends ServiceStatusSource {
  names(): string[];
  start(name: string): void;
  stop(name: string): Promise<void>;
}
