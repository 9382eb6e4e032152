import { z } from "zod";
import { EXIT_REASONS } from "../../domain/protection";
import { placementLimits } from "../../services/manual-orders";
import { forceExit } from "../../services/positions/force-exit";
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

export const exitParam = z.strictObject({ symbol: symbolField });
export const exitHeaders = z.object({
  // exit-<key> is the SELL's client order id, within Crypto.com's 36 characters.
  "idempotency-key": z.string().regex(/^[A-Za-z0-9_-]{1,31}$/, "must be 1–31 letters, digits, '-' or '_'"),
});

/** `GET /api/positions`: open positions with their protection; `POST /api/positions/:symbol/exit`: force exit. */
export function positionsRoutes({ database, clients, config }: Pick<AppDeps, "database" | "clients" | "config">) {
  const limits = placementLimits(config);
  return createRouter()
    .get("/", validate("query", positionsQuery), async (c) => {
      return c.json(await listPositions(database, clients, c.req.valid("query")));
    })
    .post("/:symbol/exit", validate("param", exitParam), validate("header", exitHeaders), async (c) => {
      const idempotencyKey = c.req.valid("header")["idempotency-key"];
      const outcome = await forceExit(database, clients, {
        symbol: c.req.valid("param").symbol,
        idempotencyKey,
        limits,
      });
      if (outcome.replayed) c.header("Idempotent-Replayed", "true");
      return c.json(outcome, outcome.replayed ? 200 : 201);
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
