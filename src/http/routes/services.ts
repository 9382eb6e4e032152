import { Hono } from "hono";
import { z } from "zod";
import type { Sql } from "../../db/client";
import { NotFound } from "../../domain/errors";
import type { ServiceControl } from "../../domain/service-status";
import { apiAuth } from "../middleware/auth";
import { validate } from "../validation";

export interface ServicesRoutesDeps {
  sql: Sql;
  services: ServiceControl;
  apiToken?: string;
  readToken?: string;
}

/** `GET /api/services/status`, `POST /api/services/:name/start|stop` (token-protected). */
export function servicesRoutes({ sql, services, apiToken, readToken }: ServicesRoutesDeps) {
  const params = validate("param", z.strictObject({ name: z.string(), action: z.enum(["start", "stop"]) }));
  const status = async () => {
    const persisted = await sql<{ service: string; counters: Record<string, number>; last_error_at: string | null }[]>`
      select service, counters, to_json(last_error_at) #>> '{}' as last_error_at from service_state`;
    const byName = new Map(persisted.map((row) => [row.service, row]));
    return services.statuses().map((s) => ({
      ...s,
      last_error_at: byName.get(s.name)?.last_error_at ?? null,
      counters: byName.get(s.name)?.counters ?? {},
    }));
  };
  return new Hono()
    .use("/api/services/*", apiAuth({ apiToken, readToken }))
    .get("/api/services/status", async (c) => c.json({ services: await status() }))
    .post("/api/services/:name/:action", params, async (c) => {
      const { name, action } = c.req.valid("param");
      if (!services.names().includes(name)) {
        throw new NotFound(`unknown service ${name}; known: ${services.names().join(", ")}`);
      }
      if (action === "start") services.start(name);
      else await services.stop(name);
      return c.json({ services: await status() });
    });
}
