import { z } from "zod";
import { healthReport } from "../../../services/health";
import { monitoringSummary } from "../../../services/monitoring";
import { NOTIFICATION_LOG_SIZE, notificationLog } from "../../../services/notifier";
import { throttleView } from "../../../services/strategy";
import { type AppDeps, createRouter } from "../../context";
import { limitField } from "../../fields";
import { validate } from "../../validation";
import { epochMs, num } from "./wire";

export const throttleQuery = z.strictObject({ limit: limitField(200, 1000) });
export const messagesQuery = z.strictObject({ limit: limitField(NOTIFICATION_LOG_SIZE, NOTIFICATION_LOG_SIZE) });

/**
 * `GET /health`, `GET /monitoring/summary` (database, services, counts and alerts), `GET /monitoring/signal-throttle`
 * (each watched symbol's last signal and cooldown) and `GET /monitoring/telegram-messages` (ATP's notification log:
 * sent, failed, or blocked when no channel is configured).
 */
export function legacyMonitoringRoutes({
  database,
  config,
  services,
  dashboard,
  startedAt,
  now,
}: Pick<AppDeps, "database" | "config" | "services" | "dashboard" | "startedAt" | "now">) {
  return createRouter()
    .get("/health", async (c) => {
      const { ok, body } = await healthReport(database.sql, services, {
        timeoutMs: config.HEALTH_DB_TIMEOUT_MS,
        startedAt,
      });
      return c.json(body, ok ? 200 : 503);
    })
    .get("/monitoring/summary", async (c) => {
      const summary = await monitoringSummary(database, services, { timeoutMs: config.HEALTH_DB_TIMEOUT_MS });
      const lastSync = summary.services.find((s) => s.name === "exchange_sync")?.last_success_at ?? null;
      const at = now().getTime();
      return c.json({
        active_alerts: summary.alerts.length,
        backend_health: summary.health,
        last_sync_seconds: lastSync === null ? null : Math.round((at - Date.parse(lastSync)) / 1000),
        portfolio_state_duration: dashboard.stats().dashboard_last_build_ms / 1000,
        open_orders: summary.open_orders,
        balances: summary.balances,
        // ATP counts no scheduler ticks; its services' own states are in `services`.
        scheduler_ticks: null,
        errors: summary.alerts.map((a) => `${a.source}: ${a.message}`),
        last_backend_restart: Math.round(startedAt / 1000),
        alerts: summary.alerts.map((a) => ({
          type: a.type,
          symbol: "",
          message: a.message,
          timestamp: a.at ?? new Date(at).toISOString(),
          severity: a.type === "service_error" ? "warning" : "error",
        })),
        services: summary.services,
      });
    })
    .get("/monitoring/signal-throttle", validate("query", throttleQuery), async (c) => {
      const at = now();
      const rows = (await throttleView(database, at)).filter((r) => r.last_signal !== null);
      return c.json(
        rows.slice(0, c.req.valid("query").limit).map((r) => ({
          symbol: r.symbol,
          strategy_key: r.preset,
          side: r.last_signal?.side ?? null,
          last_price: num(r.last_signal?.price),
          last_time: r.last_signal?.created_at ?? null,
          seconds_since_last: Math.round((at.getTime() - (epochMs(r.last_signal?.created_at) ?? at.getTime())) / 1000),
          cooldown_seconds: r.cooldown_seconds,
          seconds_until_allowed: r.seconds_until_allowed,
        })),
      );
    })
    .get("/monitoring/telegram-messages", validate("query", messagesQuery), async (c) => {
      const entries = await notificationLog(database, c.req.valid("query").limit);
      return c.json({
        messages: entries.map((e) => ({
          message: e.text,
          symbol: e.symbol,
          blocked: e.status !== "sent",
          timestamp: e.created_at,
          throttle_status: e.status,
          throttle_reason: e.reason,
          event: e.event,
        })),
        total: entries.length,
      });
    });
}
