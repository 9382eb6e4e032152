import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../../db/client";
import { getPortfolio, getPortfolioHistory } from "../../services/portfolio";
import { limitField } from "../fields";
import { type ApiAuthOptions, apiAuth } from "../middleware/auth";
import { validate } from "../validation";

export interface PortfolioRoutesDeps {
  database: Database;
  auth: ApiAuthOptions;
}

export const historyQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: limitField(500, 5000),
});

/** `GET /api/portfolio` (latest valuation) and `GET /api/portfolio/history` (snapshots, bounded). */
export function portfolioRoutes({ database, auth }: PortfolioRoutesDeps) {
  return new Hono()
    .use(apiAuth(auth))
    .get("/", async (c) => c.json(await getPortfolio(database)))
    .get("/history", validate("query", historyQuery), async (c) => {
      return c.json({ snapshots: await getPortfolioHistory(database, c.req.valid("query")) });
    });
}
