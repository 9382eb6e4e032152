import { LRUCache } from "lru-cache";
import { DASHBOARD_PARTS, type DashboardPartName, PARTS_BY_TOPIC } from "../../db/queries/dashboard";
import type { Logger } from "../../lib/logger";
import type { BuiltDashboard, DashboardBuild } from "./builder";
import { encodeBody } from "./encodings";
import { type DashboardSnapshot, keptThroughOutage } from "./outage";

export type { DashboardSnapshot } from "./outage";

export interface DashboardCacheOptions {
  /** Builds the dashboard: every part, or only the parts named (the changed ones). */
  build: DashboardBuild;
  /** false: build on every request (benchmarks, debugging). */
  enabled: boolean;
  /** How long after a change (or after maxAgeMs) the previous body may still be served while a rebuild runs. */
  staleMs: number;
  /** A snapshot older than this is rebuilt even without a change notification. */
  maxAgeMs: number;
  /**
   * Least time between two builds that changes trigger: a burst of changes (a history import commits a
   * page every few ms) is served from the previous body, within the stale window, instead of rebuilding
   * the whole dashboard per commit. 0 rebuilds on the first request after every change.
   */
  minRebuildIntervalMs?: number;
  /** Least time between the rebuilds a change triggers for stream subscribers (requests are not throttled). */
  streamRefreshMs?: number;
  log: Logger;
  /** Clock in ms (tests); also drives the LRU's TTL. */
  now?: () => number;
}

/** The cache's counters, as /metrics gauges. */
export type DashboardCacheStats = {
  dashboard_cache_hits: number;
  dashboard_cache_stale_hits: number;
  dashboard_cache_misses: number;
  dashboard_cache_hit_ratio: number;
  dashboard_builds: number;
  dashboard_partial_builds: number;
  /** Parts read from the database, over every build (a change re-reads only the parts it names). */
  dashboard_part_reads: number;
  dashboard_last_build_ms: number;
  dashboard_stream_clients: number;
};

const KEY = "dashboard";
// Subscribers handed a new state per turn of the event loop (see push).
const PUSH_CHUNK = 64;
// A partial dashboard is retried soon instead of being kept until the next change.
const PARTIAL_TTL_MS = 1000;

/**
 * The dashboard, serialised once per change and served as is: an lru-cache entry filled by `fetch()` (so
 * concurrent misses share one build), invalidated by change notifications, with a bounded
 * stale-while-revalidate window, and a push to stream subscribers whenever the body's ETag changes.
 */
export class DashboardCache {
  private readonly lru?: LRUCache<typeof KEY, DashboardSnapshot>;
  private readonly now: () => number;
  private readonly listeners = new Set<(snapshot: DashboardSnapshot) => void>();
  /** The newest snapshot built; a change marks it (and the build under way) stale. */
  private latest?: DashboardSnapshot;
  /** The newest snapshot with every part: what answers while no part can be read. */
  private lastComplete?: DashboardSnapshot;
  private building?: { staleSince?: number };
  private lastEmittedEtag?: string;
  /** The state being handed to the subscribers (see push). */
  private pushing?: DashboardSnapshot;
  private refreshTimer?: Timer;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  /** Parts changed since the last build began ("all": an unnamed change, a failed build, or none yet). */
  private dirty: Set<DashboardPartName> | "all" = "all";
  private readonly counts = { hits: 0, stale: 0, misses: 0, builds: 0, partial: 0, partReads: 0, lastBuildMs: 0 };
  private endStreams!: () => void;
  /** Settles when close() is called: open streams end then. */
  readonly closing = new Promise<void>((resolve) => {
    this.endStreams = resolve;
  });

  constructor(private readonly o: DashboardCacheOptions) {
    this.now = o.now ?? (() => performance.now());
    if (o.enabled) {
      this.lru = new LRUCache<typeof KEY, DashboardSnapshot>({
        max: 1,
        ttl: o.maxAgeMs,
        ttlResolution: 0,
        perf: { now: this.now },
        // A build that throws (a bug, not a failing part) leaves the previous body in place.
        allowStaleOnFetchRejection: true,
        fetchMethod: (_key, _stale, { options }) => this.rebuild(options),
      });
    }
  }

  /** The dashboard to answer with now: cached, stale within the window while a rebuild runs, or freshly built. */
  async current(): Promise<DashboardSnapshot> {
    if (!this.lru) {
      this.counts.misses++;
      return this.rebuild();
    }
    const held = this.latest;
    const now = this.now();
    // The common case, answered without the LRU's fetch machinery: a current snapshot within its max age.
    if (held && held.staleSince === undefined && now < held.expiresAt) {
      this.counts.hits++;
      return held;
    }
    const allowStale = held !== undefined && now - (held.staleSince ?? held.expiresAt) <= this.o.staleMs;
    const coalescing =
      held?.staleSince !== undefined && allowStale && now - held.builtAt < (this.o.minRebuildIntervalMs ?? 0);
    const status: LRUCache.Status<typeof KEY, DashboardSnapshot> = {};
    let snapshot = await this.lru.forceFetch(KEY, {
      forceRefresh: held?.staleSince !== undefined && !coalescing,
      allowStale,
      status,
    });
    if (status.fetch === "hit" && !coalescing) this.counts.hits++;
    else if (snapshot === held) this.counts.stale++;
    else this.counts.misses++;
    if (!allowStale && this.expired(snapshot)) {
      // We joined a build that began before a change now older than the window: wait for one that includes it.
      snapshot = await this.lru.forceFetch(KEY, { forceRefresh: true });
    }
    return snapshot;
  }

  /** The current snapshot without waiting, when it is current and within its max age; else undefined (call current()). */
  peek(): DashboardSnapshot | undefined {
    const held = this.latest;
    if (this.lru && held && held.staleSince === undefined && this.now() < held.expiresAt) {
      this.counts.hits++;
      return held;
    }
    return undefined;
  }

  /**
   * Marks the dashboard changed (a change notification arrived): the next answers rebuild it. `topic`, the
   * notification's payload, names what changed: the rebuild reads only the parts it can alter (all without one).
   */
  invalidate(topic?: string): void {
    const parts =
      topic !== undefined && Object.hasOwn(PARTS_BY_TOPIC, topic)
        ? PARTS_BY_TOPIC[topic as keyof typeof PARTS_BY_TOPIC]
        : undefined;
    if (!parts) this.dirty = "all";
    else if (this.dirty !== "all") for (const part of parts) this.dirty.add(part);
    const now = this.now();
    if (this.latest && this.latest.staleSince === undefined) this.latest.staleSince = now;
    if (this.building && this.building.staleSince === undefined) this.building.staleSince = now;
    this.scheduleRefresh();
  }

  /** Calls `listener` with every new dashboard (new ETag) until the returned function is called. */
  subscribe(listener: (snapshot: DashboardSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Counters for /metrics. */
  stats(): DashboardCacheStats {
    const { hits, stale, misses, builds, partial, partReads, lastBuildMs } = this.counts;
    const served = hits + stale + misses;
    return {
      dashboard_cache_hits: hits,
      dashboard_cache_stale_hits: stale,
      dashboard_cache_misses: misses,
      dashboard_cache_hit_ratio: served === 0 ? 0 : Math.round(((hits + stale) / served) * 10_000) / 10_000,
      dashboard_builds: builds,
      dashboard_partial_builds: partial,
      dashboard_part_reads: partReads,
      dashboard_last_build_ms: Math.round(lastBuildMs * 100) / 100,
      dashboard_stream_clients: this.listeners.size,
    };
  }

  /** Stops the pending stream refresh, drops every subscriber and ends the open streams (shutdown). */
  close(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.listeners.clear();
    this.endStreams();
  }

  private expired(snapshot: DashboardSnapshot): boolean {
    return snapshot.staleSince !== undefined && this.now() - snapshot.staleSince > this.o.staleMs;
  }

  private async rebuild(options?: { ttl?: number }): Promise<DashboardSnapshot> {
    const marker: { staleSince?: number } = {};
    this.building = marker;
    const builtAt = this.now();
    // Only what changed is read again while the held snapshot is complete and within its max age; past it
    // (which catches a change nothing announced) and with the cache off, every part is.
    const held = this.latest;
    const dirty = this.dirty;
    const changed =
      this.lru && dirty !== "all" && held && !held.partial && builtAt < held.expiresAt ? dirty : undefined;
    this.dirty = new Set();
    try {
      const built = await this.o.build(changed).catch((error: Error) => {
        this.dirty = "all";
        this.o.log.error("dashboard build failed", { error: error.message, stack: error.stack });
        throw error;
      });
      const ttl = built.partial ? Math.min(this.o.maxAgeMs, PARTIAL_TTL_MS) : this.o.maxAgeMs;
      if (options) options.ttl = ttl;
      const kept = this.keepThroughOutage(built, builtAt, ttl);
      if (kept) return kept;
      const snapshot: DashboardSnapshot = {
        ...built,
        builtAt,
        expiresAt: this.now() + ttl,
        staleSince: marker.staleSince,
      };
      // Compressed copies for the cached path only: with the cache off every request is a build of its own.
      // An unchanged dashboard (same ETag: only generated_at moved) keeps the previous build's copies until
      // its own are made, so compressed answers never fall back to identity on a rebuild by age.
      if (this.lru) {
        if (this.latest?.etag === snapshot.etag) snapshot.encoded = this.latest.encoded;
        this.encode(snapshot);
      }
      this.latest = snapshot;
      if (!snapshot.partial) this.lastComplete = snapshot;
      this.counts.builds++;
      this.counts.lastBuildMs = built.buildMs;
      this.counts.partReads += built.queried?.length ?? DASHBOARD_PARTS.length;
      if (built.partial) this.counts.partial++;
      if (snapshot.etag !== this.lastEmittedEtag) {
        this.lastEmittedEtag = snapshot.etag;
        this.push(snapshot);
      }
      return snapshot;
    } finally {
      if (this.building === marker) this.building = undefined;
    }
  }

  /**
   * Hands a new state to every subscriber, PUSH_CHUNK at a time with the event loop free in between: the
   * writes of 1 000 streams (tens of MB) then delay a request by one chunk's writes, not all of them. A newer
   * state supersedes the rest of an older one's round (each stream is then sent the newer one).
   */
  private push(snapshot: DashboardSnapshot): void {
    this.pushing = snapshot;
    const listeners = [...this.listeners];
    const round = (from: number) => {
      if (this.pushing !== snapshot) return;
      const to = Math.min(listeners.length, from + PUSH_CHUNK);
      for (let i = from; i < to; i++) {
        const listener = listeners[i] as (s: DashboardSnapshot) => void;
        if (this.listeners.has(listener)) listener(snapshot);
      }
      if (to < listeners.length) setImmediate(round, to);
    };
    round(0);
  }

  /** No part could be read: the last complete dashboard answers, marked stale (./outage.ts). */
  private keepThroughOutage(built: BuiltDashboard, builtAt: number, ttl: number): DashboardSnapshot | undefined {
    const kept = keptThroughOutage(built, this.lastComplete, { builtAt, expiresAt: this.now() + ttl });
    if (!kept) return undefined;
    this.dirty = "all";
    const note = "dashboard: no part could be read; answering the last complete build as stale";
    if (!this.latest?.unavailableSince) this.o.log.warn(note, { generated_at: kept.generatedAt });
    this.latest = this.lastComplete = kept;
    return kept;
  }

  private encode(snapshot: DashboardSnapshot): void {
    encodeBody(snapshot.body, snapshot.etag).then(
      (encoded) => {
        snapshot.encoded = encoded;
      },
      (error: Error) => this.o.log.warn("dashboard compression failed", { error: error.message }),
    );
  }

  /** With subscribers, rebuild soon after a change (at most once per streamRefreshMs) so they hear of it. */
  private scheduleRefresh(): void {
    if (this.listeners.size === 0 || this.refreshTimer) return;
    const wait = Math.max(0, this.lastRefreshAt + (this.o.streamRefreshMs ?? 250) - performance.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.lastRefreshAt = performance.now();
      this.refresh().catch((error: Error) => this.o.log.error("dashboard refresh failed", { error: error.message }));
    }, wait);
  }

  private async refresh(): Promise<void> {
    const snapshot = this.lru
      ? await this.lru.forceFetch(KEY, { forceRefresh: this.latest?.staleSince !== undefined })
      : await this.rebuild();
    // A change arrived while it was built: go again.
    if (snapshot.staleSince !== undefined) this.scheduleRefresh();
  }
}
