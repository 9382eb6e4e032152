/**
 * What every router is built from: one deps shape (routers take a `Pick` of it) and the typed Hono environment.
 * main.ts builds these once; the test-app factory builds its own.
 */
import { Hono } from "hono";
import type { RequestIdVariables } from "hono/request-id";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { ServiceControl } from "../domain/service-status";
import type { EventLoopLag } from "../lib/event-loop-lag";
import type { Logger } from "../lib/logger";
import type { MetricsRegistry } from "../lib/metrics";
import type { DashboardCache } from "../services/dashboard";
import type { MarketService } from "../services/market";
import type { OrderClients } from "../services/order-clients";
import type { StreamTickets } from "./stream-ticket";

/** Everything the HTTP app needs, built by the composition root (or a test). */
export interface AppDeps {
  config: Config;
  log: Logger;
  database: Database;
  metrics: MetricsRegistry;
  lag: EventLoopLag;
  services: ServiceControl;
  /** The dashboard cache; main.ts invalidates it from a LISTEN connection. */
  dashboard: DashboardCache;
  /** Candles from the account's exchange, cached. */
  market: MarketService;
  /** The account's exchange and its paper twin; without them placing and cancelling answer 503. */
  clients?: OrderClients;
  /** Signs and checks the dashboard stream's tickets (the auth middleware checks, the dashboard route issues). */
  tickets: StreamTickets;
  startedAt: number;
  now: () => Date;
}

/** The Hono environment of every router: the request id middleware's variable. */
export type AppEnv = { Variables: RequestIdVariables };

/** A router of the app, typed with its environment. */
export const createRouter = () => new Hono<AppEnv>();
