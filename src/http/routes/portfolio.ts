import { z } from "zod";
import { getPortfolio, getPortfolioHistory } from "../../services/portfolio";
import { type AppDeps, createRouter } from "../context";
import { limitField } from "../fields";
import { validate } from "../validation";

export const historyQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: limitField(500, 5000),
});

/** `GET /api/portfolio` (latest valuation) and `GET /api/portfolio/history` (snapshots, bounded). */
export function portfolioRoutes({ database }: Pick<AppDeps, "database">) {
  return createRouter()
    .get("/", async (c) => c.json(await getPortfolio(database)))
    .get("/history", validate("query", historyQuery), async (c) => {
      return c.json({ snapshots: await getPortfolioHistory(database, c.req.valid("query")) });
    });
}
