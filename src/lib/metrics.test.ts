import { describe, expect, test } from "bun:test";
import { Exposition } from "./exposition";
import { MetricsRegistry } from "./metrics";

describe("MetricsRegistry", () => {
  test("computes percentiles, average and max over the recorded latencies", () => {
    const registry = new MetricsRegistry(() => 1_000_000);
    for (let ms = 1; ms <= 100; ms++) registry.record("GET /x", 200, ms);
    const [summary] = registry.summaries();
    expect(summary).toMatchObject({ route: "GET /x", count: 100, errors: 0, p50_ms: 50, p95_ms: 95, p99_ms: 99 });
    expect(summary?.avg_ms).toBe(50.5);
    expect(summary?.max_ms).toBe(100);
  });

  test("percentiles follow the most recent requests", () => {
    const registry = new MetricsRegistry(() => 0);
    for (let i = 0; i < 5000; i++) registry.record("GET /x", 200, 100);
    for (let i = 0; i < 2048; i++) registry.record("GET /x", 200, 1);
    const [summary] = registry.summaries();
    expect(summary?.p99_ms).toBe(1);
    expect(summary?.max_ms).toBe(100);
    expect(summary?.count).toBe(7048);
  });

  test("requests per second cover the last minute only", () => {
    let now = 0;
    const registry = new MetricsRegistry(() => now);
    for (let i = 0; i < 120; i++) registry.record("GET /x", 200, 1);
    expect(registry.summaries()[0]?.rps_1m).toBe(2);
    now = 61_000;
    registry.record("GET /x", 200, 1);
    expect(registry.summaries()[0]?.rps_1m).toBeCloseTo(1 / 60, 3);
  });

  test("counts 5xx as errors and exports cumulative histogram buckets", () => {
    const registry = new MetricsRegistry(() => 0);
    registry.record("GET /y", 503, 3);
    registry.record("GET /y", 200, 0.2);
    expect(registry.summaries()[0]?.errors).toBe(1);
    const text = registry.writeTo(new Exposition()).text();
    expect(text).toContain('atp_http_request_duration_seconds_bucket{route="GET /y",le="0.0005"} 1');
    expect(text).toContain('atp_http_request_duration_seconds_bucket{route="GET /y",le="0.005"} 2');
    expect(text).toContain('atp_http_request_duration_seconds_count{route="GET /y"} 2');
  });
});
