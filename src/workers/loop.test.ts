import { describe, expect, test } from "bun:test";
import {
  AuthenticationError,
  InvalidOrderError,
  RateLimitedError,
  TemporaryExchangeError,
} from "../domain/exchange-errors";
import { type CycleReport, delayAfterCycle, type LoopState, WorkerLoop, type WorkerLoopOptions } from "./loop";

/** A loop on a hand-moved clock: each cycle takes `cycleMs` of it, or throws what `fail` returns. */
function steppedLoop(overrides: Partial<WorkerLoopOptions> = {}) {
  let clock = 1_000_000;
  const world = {
    leader: true,
    cycleMs: 100,
    fail: undefined as (() => unknown) | undefined,
    cycles: 0,
    states: [] as [LoopState, string | undefined][],
    reports: [] as CycleReport[],
    sleeps: [] as number[],
  };
  const loop = new WorkerLoop({
    intervalMs: 1000,
    startDelayMs: 250,
    leaderPollMs: 2000,
    leads: async () => world.leader,
    cycle: async () => {
      world.cycles++;
      clock += world.cycleMs;
      const error = world.fail?.();
      if (error) throw error;
    },
    onState: (state, reason) => void world.states.push([state, reason]),
    onCycle: (report) => void world.reports.push(report),
    now: () => clock,
    sleep: async (ms) => {
      world.sleeps.push(ms);
      clock += ms;
    },
    ...overrides,
  });
  return { loop, world };
}

describe("delayAfterCycle", () => {
  test("sleeps what is left of the interval, never less than zero", () => {
    const base = { intervalMs: 1000, failures: 0, maxBackoffFactor: 32 };
    expect(delayAfterCycle({ ...base, elapsedMs: 300 })).toBe(700);
    expect(delayAfterCycle({ ...base, elapsedMs: 1000 })).toBe(0);
    expect(delayAfterCycle({ ...base, elapsedMs: 4000 })).toBe(0);
  });

  test("each failure in a row doubles the period, up to the cap; a retry-after hint is a floor", () => {
    const base = { intervalMs: 1000, elapsedMs: 0, maxBackoffFactor: 32 };
    expect([1, 2, 3, 5, 6, 10].map((failures) => delayAfterCycle({ ...base, failures }))).toEqual([
      2000, 4000, 8000, 32_000, 32_000, 32_000,
    ]);
    expect(delayAfterCycle({ ...base, failures: 1, retryAfterMs: 5000 })).toBe(5000);
    expect(delayAfterCycle({ ...base, failures: 3, retryAfterMs: 5000 })).toBe(8000);
  });
});

describe("WorkerLoop, one step at a time", () => {
  test("starting → running: a leader runs one cycle and sleeps interval − the cycle's time", async () => {
    const { loop, world } = steppedLoop();
    expect(loop.state).toBe("starting");
    expect(await loop.step()).toBe(900);
    expect(loop.state).toBe("running");
    expect(world.cycles).toBe(1);
    world.cycleMs = 400;
    expect(await loop.step()).toBe(600);
    world.cycleMs = 1500;
    expect(await loop.step()).toBe(0);
    expect(world.states).toEqual([["running", undefined]]);
    expect(world.reports.map((r) => [r.ok, r.finishedAt - r.startedAt])).toEqual([
      [true, 100],
      [true, 400],
      [true, 1500],
    ]);
  });

  test("standby ⇄ running follows the leadership; a standby loop polls and runs nothing", async () => {
    const { loop, world } = steppedLoop();
    world.leader = false;
    expect(await loop.step()).toBe(2000);
    expect(loop.state).toBe("standby");
    expect(world.cycles).toBe(0);
    world.leader = true;
    expect(await loop.step()).toBe(900);
    expect(loop.state).toBe("running");
    world.leader = false;
    expect(await loop.step()).toBe(2000);
    expect(world.states.map(([s]) => s)).toEqual(["standby", "running", "standby"]);
    expect(world.cycles).toBe(1);
  });

  test("temporary errors and unknown failures retry with a doubling period; a success resets it", async () => {
    const { loop, world } = steppedLoop();
    world.fail = () => new TemporaryExchangeError("503");
    expect(await loop.step()).toBe(1900);
    expect(await loop.step()).toBe(3900);
    world.fail = () => new Error("connection reset by the database");
    expect(await loop.step()).toBe(7900);
    expect(loop.failures).toBe(3);
    expect(world.reports.at(-1)).toMatchObject({ ok: false, error: "connection reset by the database", failures: 3 });
    world.fail = undefined;
    expect(await loop.step()).toBe(900);
    expect(loop.failures).toBe(0);
    expect(loop.state).toBe("running");
  });

  test("an order rejection is not a reason to stop: the loop retries", async () => {
    const { loop, world } = steppedLoop();
    world.fail = () => new InvalidOrderError("quantity below one lot");
    expect(await loop.step()).toBe(1900);
    expect(loop.state).toBe("running");
  });

  test("a temporary error's retry-after hint is the floor of the backoff", async () => {
    const { loop, world } = steppedLoop();
    world.fail = () => new RateLimitedError("429", 30_000);
    expect(await loop.step()).toBe(30_000);
    world.fail = () => new TemporaryExchangeError("503 maintenance", { retryAfterMs: 1000 });
    expect(await loop.step()).toBe(3900);
  });

  test("running → failed on an error a human must fix: the reason is kept and no cycle runs again", async () => {
    const { loop, world } = steppedLoop();
    expect(await loop.step()).toBe(900);
    world.fail = () => new AuthenticationError("the exchange refused the API key");
    expect(await loop.step()).toBeNull();
    expect(loop.state).toBe("failed");
    expect(loop.reason).toBe("the exchange refused the API key");
    expect(world.states.at(-1)).toEqual(["failed", "the exchange refused the API key"]);
    expect(await loop.step()).toBeNull();
    expect(world.cycles).toBe(2);
  });

  test("stop(): the next step ends the loop in stopped, also when asked while the leadership is checked", async () => {
    const { loop, world } = steppedLoop();
    await loop.step();
    loop.stop();
    expect(loop.stopping).toBe(true);
    expect(await loop.step()).toBeNull();
    expect(loop.state).toBe("stopped");
    expect(world.cycles).toBe(1);

    const during = steppedLoop({
      leads: async () => {
        during.loop.stop();
        return true;
      },
    });
    expect(await during.loop.step()).toBeNull();
    expect(during.loop.state).toBe("stopped");
    expect(during.world.cycles).toBe(0);
  });
});

describe("WorkerLoop.run", () => {
  test("waits the start delay, then sleeps each step's delay until the loop ends", async () => {
    const { loop, world } = steppedLoop();
    let n = 0;
    world.fail = () => {
      n++;
      if (n === 2) return new TemporaryExchangeError("timeout");
      if (n === 3) return new AuthenticationError("key revoked");
      return undefined;
    };
    expect(await loop.run()).toBe("failed");
    expect(world.sleeps).toEqual([250, 900, 1900]);
    expect(world.cycles).toBe(3);
  });

  test("a leadership check that throws ends run() with that error (the worker crashes and is restarted)", async () => {
    const { loop } = steppedLoop({
      leads: async () => {
        throw new Error("pool ended");
      },
    });
    await expect(loop.run()).rejects.toThrow("pool ended");
  });
});
