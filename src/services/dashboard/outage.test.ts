import { describe, expect, test } from "bun:test";
import type { BuiltDashboard } from "./builder";
import { type DashboardSnapshot, keptThroughOutage } from "./outage";

const build = (errors: number, queried = ["portfolio", "orders"] as const): BuiltDashboard => ({
  body: `{"errors":${errors}}`,
  etag: `W/"${errors}"`,
  partial: errors > 0,
  errors: Array.from({ length: errors }, (_, i) => ({ part: queried[i % queried.length] as never, message: "down" })),
  generatedAt: "2026-01-01T00:00:00.000Z",
  buildMs: 1,
  queried: [...queried] as never,
});
const complete: DashboardSnapshot = { ...build(0), builtAt: 0, expiresAt: 10 };

describe("keptThroughOutage", () => {
  test("no part read: the last complete dashboard, marked with when the outage began", () => {
    const kept = keptThroughOutage(build(2), complete, { builtAt: 50, expiresAt: 60 });
    expect(kept?.body).toBe(complete.body);
    expect(kept).toMatchObject({ builtAt: 50, expiresAt: 60, staleSince: undefined });
    expect(Date.parse(kept?.unavailableSince ?? "")).toBeGreaterThan(0);
    // Kept again later: the outage's start stays.
    const again = keptThroughOutage(build(2), kept, { builtAt: 70, expiresAt: 80 });
    expect(again?.unavailableSince).toBe(kept?.unavailableSince);
  });

  test("some part read, or nothing complete to keep: the build answers as it is", () => {
    expect(keptThroughOutage(build(1), complete, { builtAt: 50, expiresAt: 60 })).toBeUndefined();
    expect(keptThroughOutage(build(0), complete, { builtAt: 50, expiresAt: 60 })).toBeUndefined();
    expect(keptThroughOutage(build(2), undefined, { builtAt: 50, expiresAt: 60 })).toBeUndefined();
  });
});
