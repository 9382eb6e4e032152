import { z } from "zod";
import { dashboardShape, portfolioShape, serviceShape, snapshotShape, tradingModeShape } from "../api-shapes";
import type { OperationDoc } from "../openapi";
import * as dashboard from "../routes/dashboard";
import * as portfolio from "../routes/portfolio";
import * as trading from "../routes/trading";

const serviceParams = z.strictObject({
  name: z.string().meta({ description: "exchange_sync, signal_monitor or trading_scheduler" }),
  action: z.enum(["start", "stop"]),
});
const servicesList = z.object({
  services: z.array(
    serviceShape.extend({ last_error_at: z.string().nullable(), counters: z.record(z.string(), z.number()) }),
  ),
});

/** Portfolio, trading mode, services and the dashboard. */
export const accountOperations: OperationDoc[] = [
  {
    method: "get",
    path: "/api/portfolio",
    tag: "portfolio",
    access: "read",
    summary: "The latest valuation: assets with their share, active loans, net value",
    responses: { 200: { description: "The portfolio", schema: portfolioShape } },
  },
  {
    method: "get",
    path: "/api/portfolio/history",
    tag: "portfolio",
    access: "read",
    summary: "Portfolio snapshots, oldest first, between from and to",
    query: portfolio.historyQuery,
    responses: { 200: { description: "Snapshots", schema: z.object({ snapshots: z.array(snapshotShape) }) } },
  },
  {
    method: "get",
    path: "/api/trading/mode",
    tag: "trading",
    access: "read",
    summary: "Paper (DRY_RUN) or LIVE, and why",
    responses: { 200: { description: "The mode", schema: tradingModeShape } },
  },
  {
    method: "put",
    path: "/api/trading/mode",
    tag: "trading",
    access: "write",
    summary: "Switch live trading on or off (LIVE needs a live exchange too), pause or resume new entries",
    body: trading.modeBody,
    responses: { 200: { description: "The new mode", schema: tradingModeShape } },
  },
  {
    method: "get",
    path: "/api/services/status",
    tag: "services",
    access: "read",
    summary: "Each background service's state, last run, last error and counters",
    responses: { 200: { description: "The services", schema: servicesList } },
  },
  {
    method: "post",
    path: "/api/services/:name/:action",
    tag: "services",
    access: "write",
    summary: "Start or stop a background service",
    params: serviceParams,
    responses: {
      200: { description: "The services after the change", schema: servicesList },
      404: { description: "Unknown service" },
    },
  },
  {
    method: "get",
    path: "/api/dashboard/state",
    tag: "dashboard",
    access: "read",
    summary: "Everything the console shows, in one cached body (weak ETag; If-None-Match answers 304)",
    responses: { 200: { description: "The dashboard", schema: dashboardShape }, 304: { description: "Unchanged" } },
  },
  {
    method: "get",
    path: "/api/dashboard/stream",
    tag: "dashboard",
    access: "read",
    summary: "Server-Sent Events: a `state` event (id = ETag) with the dashboard body on each change",
    description: "Accepts `?ticket=` from POST /api/dashboard/stream-ticket instead of the Authorization header.",
    query: dashboard.streamQuery,
    responses: { 200: { description: "The event stream", contentType: "text/event-stream", schema: z.string() } },
  },
  {
    method: "post",
    path: "/api/dashboard/stream-ticket",
    tag: "dashboard",
    access: "read",
    summary: "Trade a read or API token for a one-minute ticket that opens the stream (EventSource sends no header)",
    responses: {
      201: {
        description: "The ticket",
        schema: z.object({ ticket: z.string(), expires_at: z.string(), stream_url: z.string() }),
      },
    },
  },
];
