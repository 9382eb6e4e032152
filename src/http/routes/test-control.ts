import { z } from "zod";
import { pinPaperPrice, unpinPaperPrice } from "../../services/paper-prices";
import { type AppDeps, createRouter } from "../context";
import { decimalField, symbolField } from "../fields";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

export const pinBody = z.strictObject({
  symbol: symbolField,
  price: decimalField({ integerDigits: 12, decimals: 12, positive: true }),
});
export const unpinBody = z.strictObject({ symbol: symbolField });

/**
 * Test control, only with ENABLE_TEST_ENDPOINTS=true (otherwise these paths do not exist: 404):
 * `POST /api/test/paper/prices` pins a paper symbol's price, `DELETE` of the same path (`{"symbol"}`) unpins it.
 */
export function testControlRoutes({ database, config, now }: Pick<AppDeps, "database" | "config" | "now">) {
  const app = createRouter();
  if (!config.ENABLE_TEST_ENDPOINTS) return app;
  return app
    .post("/paper/prices", requireJson(), validate("json", pinBody), async (c) => {
      const { symbol, price } = c.req.valid("json");
      return c.json(await pinPaperPrice(database, symbol, price, now()), 201);
    })
    .delete("/paper/prices", requireJson(), validate("json", unpinBody), async (c) => {
      return c.json(await unpinPaperPrice(database, c.req.valid("json").symbol));
    });
}
