/**
 * The loop of one background service, as a small state machine (Freqtrade's worker):
 *
 *   starting → standby ⇄ running → stopped | failed
 *
 * Each step asks for the service's leadership; a leader runs one cycle. Cycles start once per interval: the
 * sleep after a cycle is max(0, period − the cycle's time). Consecutive failures double the period (up to
 * `maxBackoffFactor`), and a temporary error's retry-after hint (`retryAfterOf`) is a floor of that sleep.
 * `reactionTo` decides between retrying and stopping: an error a human must fix ends the loop in `failed`.
 * No I/O of its own: the clock, the sleep, the leadership and the cycle are given, so a test can step it.
 */
import { reactionTo, retryAfterOf } from "../domain/exchange-errors";

/** Where the loop is. `stopped` and `failed` are final. */
export type LoopState = "starting" | "standby" | "running" | "stopped" | "failed";

/** What one cycle did. */
export interface CycleReport {
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  /** The error's message, when the cycle failed. */
  error?: string;
  /** Failed cycles in a row, this one included (0 after a success). */
  failures: number;
}

/** Options of a WorkerLoop; everything with I/O is injected. */
export interface WorkerLoopOptions {
  /** Time between the starts of two cycles. */
  intervalMs: number;
  /** Wait before the first step. */
  startDelayMs: number;
  /** How often a standby loop asks for the leadership again. */
  leaderPollMs: number;
  /** The period doubles with each failure in a row, up to this factor. */
  maxBackoffFactor?: number;
  /** True while this process leads the service (it tries to become leader when it does not). */
  leads: () => Promise<boolean>;
  /** One cycle of the service. */
  cycle: () => Promise<unknown>;
  /** Told of each change of state; `reason` is the error's message for `failed`. */
  onState?: (state: LoopState, reason?: string) => void;
  /** Told of each cycle's outcome (with the error of a failed one), before the loop sleeps. */
  onCycle?: (report: CycleReport, error?: unknown) => void | Promise<void>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The sleep after a cycle: what is left of the (backed-off) period, and never less than the retry-after hint. */
export function delayAfterCycle({
  intervalMs,
  elapsedMs,
  failures,
  maxBackoffFactor,
  retryAfterMs = 0,
}: {
  intervalMs: number;
  elapsedMs: number;
  failures: number;
  maxBackoffFactor: number;
  retryAfterMs?: number;
}): number {
  const period = intervalMs * Math.min(2 ** failures, maxBackoffFactor);
  return Math.max(0, period - elapsedMs, retryAfterMs);
}

/** One service's loop: `step()` runs one iteration, `run()` steps and sleeps until the loop ends. */
export class WorkerLoop {
  private current: LoopState = "starting";
  private failureCount = 0;
  private failure: string | undefined;
  private stopRequested = false;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxBackoffFactor: number;

  constructor(private readonly options: WorkerLoopOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => Bun.sleep(ms));
    this.maxBackoffFactor = options.maxBackoffFactor ?? 32;
  }

  /** The current state. */
  get state(): LoopState {
    return this.current;
  }

  /** Failed cycles in a row. */
  get failures(): number {
    return this.failureCount;
  }

  /** Why the loop failed, once it has. */
  get reason(): string | undefined {
    return this.failure;
  }

  /** Asks the loop to end: the next step stops it (a sleep in progress is the caller's to cut short). */
  stop(): void {
    this.stopRequested = true;
  }

  /** True once stop() was called: long cycles check it between their steps. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /**
   * One iteration: checks the leadership and, when leading, runs one cycle. Returns how long to sleep before the
   * next step, or null once the loop has ended (stopped or failed).
   */
  async step(): Promise<number | null> {
    if (this.current === "stopped" || this.current === "failed") return null;
    if (this.stopRequested) return this.end("stopped");
    const leads = await this.options.leads();
    if (this.stopRequested) return this.end("stopped");
    this.enter(leads ? "running" : "standby");
    if (!leads) return this.options.leaderPollMs;

    const startedAt = this.now();
    try {
      await this.options.cycle();
      this.failureCount = 0;
      await this.options.onCycle?.({ startedAt, finishedAt: this.now(), ok: true, failures: 0 });
      return this.delay(startedAt);
    } catch (error) {
      this.failureCount++;
      const message = error instanceof Error ? error.message : String(error);
      await this.options.onCycle?.(
        { startedAt, finishedAt: this.now(), ok: false, error: message, failures: this.failureCount },
        error,
      );
      if (reactionTo(error) === "stop") {
        this.failure = message;
        return this.end("failed", message);
      }
      return this.delay(startedAt, retryAfterOf(error));
    }
  }

  /** Waits the start delay, then steps and sleeps until the loop ends; resolves with the final state. */
  async run(): Promise<LoopState> {
    await this.sleep(this.options.startDelayMs);
    for (;;) {
      const delay = await this.step();
      if (delay === null) return this.current;
      await this.sleep(delay);
    }
  }

  private delay(startedAt: number, retryAfterMs?: number): number {
    return delayAfterCycle({
      intervalMs: this.options.intervalMs,
      elapsedMs: this.now() - startedAt,
      failures: this.failureCount,
      maxBackoffFactor: this.maxBackoffFactor,
      retryAfterMs,
    });
  }

  private enter(state: LoopState, reason?: string): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onState?.(state, reason);
  }

  private end(state: "stopped" | "failed", reason?: string): null {
    this.enter(state, reason);
    return null;
  }
}
