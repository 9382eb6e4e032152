import { z } from "zod";
import { EXIT_REASONS } from "../../domain/protection";
import { listPositions } from "../../services/positions/positions";
import { profitPeriods, profitSummary, tradesPage } from "../../services/positions/profit";
import { type AppDeps, createRouter } from "../context";
import { decodeCursor, encodeCursor } from "../cursor";
import { digitsField, limitField, symbolField } from "../fields";
import { validate } from "../validation";

/** An account name: `paper` or a ccxt exchange id. */
export const accountField = z
  .string()
  .regex(/^[a-z0-9_-]{2,40}$/, "must be an account name: paper or the live exchange's id")
  .meta({ description: "the account (default: the one orders go to now)" });

export const positionsQuery = z.strictObject({ account: accountField.optional(), symbol: symbolField.optional() });
export const tradesQuery = z.strictObject({
  account: accountField.optional(),
  symbol: symbolField.optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: "closed at or after" }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: "closed before" }),
  exit_reason: z.enum(EXIT_REASONS).optional(),
  limit: limitField(100, 500),
  cursor: z.string().max(200).optional(),
});
export const profitQuery = z.strictObject({ account: accountField.optional() });
export const periodParam = z.strictObject({ period: z.enum(["daily", "weekly", "monthly"]) });
export const periodQuery = z.strictObject({
  account: accountField.optional(),
  count: digitsField(1, 366).optional().meta({ description: "how many periods (default 7 days, 8 weeks, 12 months)" }),
});

const UNITS = { daily: "day", weekly: "week", monthly: "month" } as const;
const DEFAULT_COUNT = { daily: 7, weekly: 8, monthly: 12 } as const;

/** `GET /api/positions`: open positions with their protection. */
export function positionsRoutes({ database, clients }: Pick<AppDeps, "database" | "clients">) {
  return createRouter().get("/", validate("query", positionsQuery), async (c) => {
    return c.json(await listPositions(database, clients, c.req.valid("query")));
  });
}

/** `GET /api/trades`: closed trades in keyset pages. */
export function tradesRoutes({ database, clients }: Pick<AppDeps, "database" | "clients">) {
  return createRouter().get("/", validate("query", tradesQuery), async (c) => {
    const { cursor, exit_reason, ...filter } = c.req.valid("query");
    const page = await tradesPage(database, clients, {
      ...filter,
      exitReason: exit_reason,
      after: cursor ? decodeCursor(cursor) : undefined,
    });
    return c.json({
      account: page.account,
      trades: page.trades,
      next_cursor: page.next ? encodeCursor(page.next) : null,
    });
  });
}

/** `GET /api/profit` and `GET /api/profit/daily|weekly|monthly`. */
export function profitRoutes({
  database,
  clients,
  config,
  now,
}: Pick<AppDeps, "database" | "clients" | "config" | "now">) {
  return createRouter()
    .get("/", validate("query", profitQuery), async (c) => {
      return c.json(await profitSummary(database, clients, c.req.valid("query").account));
    })
    .get("/:period", validate("param", periodParam), validate("query", periodQuery), async (c) => {
      const { period } = c.req.valid("param");
      const { account, count } = c.req.valid("query");
      return c.json(
        await profitPeriods(database, clients, {
          account,
          unit: UNITS[period],
          count: count ?? DEFAULT_COUNT[period],
          tz: config.DAILY_SUMMARY_TZ,
          now: now(),
        }),
      );
    });
}
