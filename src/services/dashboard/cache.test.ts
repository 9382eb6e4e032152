import { describe, expect, test } from "bun:test";
import { createLogger } from "../../lib/logger";
import type { BuiltDashboard } from "./builder";
import { DashboardCache } from "./cache";

// The cache's rules, driven by a build function the test controls and a clock it moves.
function harness({ staleMs = 2000, maxAgeMs = 60_000, enabled = true, minRebuildIntervalMs = 0 } = {}) {
  let clock = 1_000_000; // lru-cache treats an entry stamped at 0 as timeless
  let content = "v1";
  let partial = false;
  let failure: Error | undefined;
  const pending: (() => void)[] = [];
  let gated = false;
  let builds = 0;
  const build = async (): Promise<BuiltDashboard> => {
    builds++;
    const seen = content;
    if (gated) await new Promise<void>((resolve) => pending.push(resolve));
    if (failure) throw failure;
    return {
      body: JSON.stringify({ content: seen }),
      etag: `W/"${seen}"`,
      partial,
      errors: [],
      generatedAt: new Date(clock).toISOString(),
      buildMs: 1,
    };
  };
  const cache = new DashboardCache({
    build,
    enabled,
    staleMs,
    maxAgeMs,
    streamRefreshMs: 0,
    minRebuildIntervalMs,
    log: createLogger({ level: "error", write: () => {} }),
    now: () => clock,
  });
  return {
    cache,
    builds: () => builds,
    advance: (ms: number) => {
      clock += ms;
    },
    change: (next: string) => {
      content = next;
    },
    setPartial: (value: boolean) => {
      partial = value;
    },
    fail: (error: Error | undefined) => {
      failure = error;
    },
    /** Holds builds until release() (to observe what is served while one runs). */
    hold: () => {
      gated = true;
    },
    release: async () => {
      gated = false;
      for (const resolve of pending.splice(0)) resolve();
      await Bun.sleep(0);
    },
    content: async () => JSON.parse((await cache.current()).body).content as string,
  };
}

describe("DashboardCache", () => {
  test("concurrent misses share one build (single flight)", async () => {
    const h = harness();
    h.hold();
    const answers = Array.from({ length: 25 }, () => h.cache.current());
    await h.release();
    const snapshots = await Promise.all(answers);
    expect(h.builds()).toBe(1);
    expect(new Set(snapshots.map((s) => s.body)).size).toBe(1);
    expect(h.cache.stats().dashboard_cache_misses).toBe(25);
  });

  test("answers from the cache until a change; the same body object every time", async () => {
    const h = harness();
    const first = await h.cache.current();
    h.advance(10_000);
    expect(await h.cache.current()).toBe(first);
    expect(await h.cache.current()).toBe(first);
    expect(h.builds()).toBe(1);
    expect(h.cache.stats()).toMatchObject({ dashboard_cache_hits: 2, dashboard_cache_misses: 1, dashboard_builds: 1 });
  });

  test("after a change: the previous body within the stale window while one rebuild runs", async () => {
    const h = harness({ staleMs: 2000 });
    expect(await h.content()).toBe("v1");
    h.change("v2");
    h.cache.invalidate();
    h.hold();
    h.advance(1500);
    expect(await h.content()).toBe("v1");
    expect(await h.content()).toBe("v1");
    expect(h.builds()).toBe(2);
    await h.release();
    expect(await h.content()).toBe("v2");
    expect(h.builds()).toBe(2);
    expect(h.cache.stats().dashboard_cache_stale_hits).toBe(2);
  });

  test("never serves the previous body once the change is older than the window: it waits for the rebuild", async () => {
    const h = harness({ staleMs: 2000 });
    await h.cache.current();
    h.change("v2");
    h.cache.invalidate();
    h.hold();
    h.advance(1000);
    expect(await h.content()).toBe("v1"); // starts the rebuild
    h.advance(1001);
    let answered = false;
    const waiting = h.content().then((content) => {
      answered = true;
      return content;
    });
    await Bun.sleep(5);
    expect(answered).toBe(false);
    await h.release();
    expect(await waiting).toBe("v2");
  });

  test("a change during a build: that build is stale from then on, and is replaced after the window", async () => {
    const h = harness({ staleMs: 2000 });
    await h.cache.current();
    h.change("v2");
    h.cache.invalidate();
    h.hold();
    expect(await h.content()).toBe("v1"); // rebuild #2 starts and sees v2
    h.change("v3");
    h.cache.invalidate(); // arrives while #2 runs
    await h.release();
    expect(await h.content()).toBe("v2"); // #2 landed, but is stale: within the window, served; #3 starts
    await Bun.sleep(0);
    expect(await h.content()).toBe("v3");
    expect(h.builds()).toBe(3);
  });

  test("a zero window: the first answer after a change is the changed dashboard", async () => {
    const h = harness({ staleMs: 0 });
    await h.cache.current();
    h.change("v2");
    h.cache.invalidate();
    h.advance(1);
    expect(await h.content()).toBe("v2");
  });

  test("rebuilt after its max age even without a change", async () => {
    const h = harness({ maxAgeMs: 5000, staleMs: 2000 });
    await h.cache.current();
    h.change("v2");
    h.advance(5001);
    expect(await h.content()).toBe("v1"); // expired: served within the window while it is rebuilt
    await Bun.sleep(0);
    expect(await h.content()).toBe("v2");
    h.change("v3");
    h.advance(5000 + 2001);
    expect(await h.content()).toBe("v3"); // expired for longer than the window: waits
  });

  test("a partial dashboard is retried after a second", async () => {
    const h = harness({ maxAgeMs: 60_000, staleMs: 0 });
    h.setPartial(true);
    await h.cache.current();
    h.setPartial(false);
    h.change("v2");
    h.advance(500);
    expect(await h.content()).toBe("v1");
    h.advance(600);
    expect(await h.content()).toBe("v2");
    expect(h.cache.stats().dashboard_partial_builds).toBe(1);
  });

  test("a build that throws keeps the previous body; with none, the error reaches the caller", async () => {
    const h = harness({ staleMs: 0 });
    h.fail(new Error("bug"));
    await expect(h.cache.current()).rejects.toThrow();
    h.fail(undefined);
    expect(await h.content()).toBe("v1");
    h.fail(new Error("bug"));
    h.change("v2");
    h.cache.invalidate();
    h.advance(1);
    expect(await h.content()).toBe("v1");
  });

  test("DASHBOARD_CACHE=off: every answer is a new build", async () => {
    const h = harness({ enabled: false });
    await h.cache.current();
    await h.cache.current();
    h.change("v2");
    expect(await h.content()).toBe("v2");
    expect(h.builds()).toBe(3);
    expect(h.cache.stats().dashboard_cache_hits).toBe(0);
  });

  test("subscribers get each new dashboard after a change, once per ETag, until they unsubscribe", async () => {
    const h = harness();
    await h.cache.current();
    const seen: string[] = [];
    const unsubscribe = h.cache.subscribe((snapshot) => seen.push(snapshot.etag));
    h.cache.invalidate(); // same content: rebuilt, nothing new to push
    await Bun.sleep(5);
    expect(h.builds()).toBe(2);
    h.change("v2");
    h.cache.invalidate();
    await Bun.sleep(5);
    expect(seen).toEqual(['W/"v2"']);
    expect(h.cache.stats().dashboard_stream_clients).toBe(1);
    unsubscribe();
    expect(h.cache.stats().dashboard_stream_clients).toBe(0);
    h.change("v3");
    h.cache.invalidate();
    await Bun.sleep(5);
    expect(seen).toEqual(['W/"v2"']);
    expect(h.builds()).toBe(3); // no subscriber: nothing is rebuilt until someone asks
  });

  test("a new state reaches many subscribers a chunk per turn of the event loop; a newer one supersedes it", async () => {
    const h = harness();
    await h.cache.current();
    const seen = Array.from({ length: 300 }, () => [] as string[]);
    const reached = (tag: string) => seen.filter((list) => list.includes(tag)).length;
    let whenLastOfFirstChunk = -1;
    for (const [i, list] of seen.entries()) {
      h.cache.subscribe((snapshot) => {
        list.push(snapshot.etag);
        if (i === 63 && snapshot.etag === 'W/"v2"') whenLastOfFirstChunk = reached('W/"v2"');
      });
    }
    h.change("v2");
    h.cache.invalidate();
    await h.cache.current();
    h.change("v3");
    h.cache.invalidate();
    await h.cache.current();
    // The later chunks run on later turns of the loop: wait for them (a loaded machine makes turns slow).
    for (let turn = 0; turn < 200 && reached('W/"v3"') < seen.length; turn++) await Bun.sleep(5);
    // The 64th subscriber was called with the first 64 only: the others wait for a later turn of the loop.
    expect(whenLastOfFirstChunk).toBe(64);
    // Every stream ends on v3, hears it once, and never hears v2 after it (a superseded round stops).
    for (const list of seen) {
      expect(list.at(-1)).toBe('W/"v3"');
      expect(list.filter((tag) => tag === 'W/"v3"').length).toBe(1);
      expect(list.length).toBeLessThanOrEqual(2);
    }
    h.cache.close();
  });

  test("a burst of changes shares one rebuild per interval, never past the stale window", async () => {
    const h = harness({ staleMs: 2000, minRebuildIntervalMs: 250 });
    expect(await h.content()).toBe("v1");
    for (let i = 2; i <= 6; i++) {
      h.change(`v${i}`);
      h.cache.invalidate();
      h.advance(40);
      // Within 250 ms of the last build, changes are coalesced: the previous body is served.
      expect(await h.content()).toBe("v1");
    }
    expect(h.builds()).toBe(1);
    h.advance(100);
    // Past the interval: the stale body answers at once while one rebuild runs, which carries the latest change.
    await h.cache.current();
    await Bun.sleep(0);
    expect(await h.content()).toBe("v6");
    expect(h.builds()).toBe(2);
    expect(h.cache.stats().dashboard_cache_stale_hits).toBeGreaterThanOrEqual(5);
  });

  test("coalescing never serves a body older than the stale window after a change", async () => {
    const h = harness({ staleMs: 0, minRebuildIntervalMs: 10_000 });
    expect(await h.content()).toBe("v1");
    h.change("v2");
    h.cache.invalidate();
    h.advance(1);
    expect(await h.content()).toBe("v2");
  });
});
