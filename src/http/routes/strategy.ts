import { z } from "zod";
import { NotFound } from "../../domain/errors";
import { findPreset, listPresets, savePreset } from "../../services/strategy";
import { type AppDeps, createRouter } from "../context";
import { requireJson } from "../middleware/require-json";
import { presetNameField, rulesSchema } from "../strategy-fields";
import { validate } from "../validation";

export const nameParam = z.strictObject({ name: presetNameField });

/** `GET /api/strategy/presets`, `GET /api/strategy/presets/:name`, `PUT /api/strategy/presets/:name` (operator's). */
export function strategyRoutes({ database }: Pick<AppDeps, "database">) {
  return createRouter()
    .get("/presets", async (c) => c.json({ presets: await listPresets(database) }))
    .get("/presets/:name", validate("param", nameParam), async (c) => {
      const { name } = c.req.valid("param");
      const preset = await findPreset(database, name);
      if (!preset) throw new NotFound(`there is no preset ${name}`);
      return c.json(preset);
    })
    .put("/presets/:name", validate("param", nameParam), requireJson(), validate("json", rulesSchema), async (c) => {
      return c.json(await savePreset(database, c.req.valid("param").name, c.req.valid("json")));
    });
}
