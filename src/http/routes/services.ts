import { z } from "zod";
import { controlService, describeServices } from "../../services/service-status";
import { type AppDeps, createRouter } from "../context";
import { validate } from "../validation";

const params = z.strictObject({ name: z.string(), action: z.enum(["start", "stop"]) });

/** `GET /api/services/status`, `POST /api/services/:name/start|stop`. */
export function servicesRoutes({ database, services }: Pick<AppDeps, "database" | "services">) {
  return createRouter()
    .get("/status", async (c) => c.json({ services: await describeServices(database, services) }))
    .post("/:name/:action", validate("param", params), async (c) => {
      const { name, action } = c.req.valid("param");
      await controlService(database, services, name, action);
      return c.json({ services: await describeServices(database, services) });
    });
}
