import { z } from "zod";
import { serviceShape } from "../api-shapes";
import type { OperationDoc } from "../openapi";

const _html = (description: string) => ({ description, contentType: "text/html", schema: z.string() });

/** Liveness, readiness, metrics, and the console's own pages. */
export const systemOperations: OperationDoc[] = [
  {
    method: "get",
    path: "/ping_fast",
    tag: "system",
    access: "open",
    summary: "Liveness without I/O",
    responses: { 200: { description: "Alive", schema: z.object({ pong: z.literal(true) }) } },
  },
  {
    method: "get",
    path: "/health",
    tag: "system",
    access: "open",
    summary: "Readiness: the database and the services",
    responses: {
      200: {
        description: "Ready",
        schema: z.looseObject({
          status: z.enum(["ok", "unavailable"]),
          database: z.looseObject({ ok: z.boolean() }),
          services: z.array(serviceShape),
          uptime_s: z.number(),
        }),
      },
      503: { description: "The database is unreachable" },
    },
  },
  {
    method: "get",
    path: "/metrics",
    tag: "system",
    access: "open",
    summary: "Per-route latency and rates, lag, pool, cache (JSON; Prometheus text with Accept: text/plain)",
    responses: { 200: { description: "Metrics", schema: z.looseObject({ routes: z.array(z.looseObject({})) }) } },
  },
  {
    method: "get",
    path: "/metrics/prometheus",
    tag: "system",
    access: "open",
    summary: "Prometheus text exposition (passes promtool check metrics)",
    responses: { 200: { description: "Metrics", contentType: "text/plain", schema: z.string() } },
  },
];
