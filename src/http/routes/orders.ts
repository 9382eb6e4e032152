import { z } from "zod";
import { ORDER_SIDES, ORDER_STATUSES } from "../../domain/orders";
import { findByClientOrderId, placeManualOrder, placementLimits } from "../../services/manual-orders";
import { cancelOrder, openOrders, orderHistory } from "../../services/orders";
import { type AppDeps, createRouter } from "../context";
import { decodeCursor, encodeCursor } from "../cursor";
import { decimalField, limitField, symbolField } from "../fields";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

/** Prefix of the client order ids the trading scheduler gives its orders; manual keys may not use it. */
const SIGNAL_OID_PREFIX = "sig-";
// Crypto.com's limit for client order ids is 36 characters.
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,36}$/;

export const openQuery = z.strictObject({ symbol: symbolField.optional(), limit: limitField(100, 500) });
export const historyQuery = z.strictObject({
  symbol: symbolField.optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  side: z.enum(ORDER_SIDES).optional(),
  limit: limitField(100, 500),
  cursor: z.string().max(200).optional(),
});

const amount = decimalField({ integerDigits: 15, decimals: 12, positive: true });
export const orderBody = z
  .strictObject({
    symbol: symbolField,
    side: z.enum(ORDER_SIDES),
    type: z.enum(["MARKET", "LIMIT"]),
    quantity: amount.optional(),
    notional: amount.optional(),
    price: amount.optional(),
  })
  .superRefine((o, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (o.type === "LIMIT") {
      if (o.quantity === undefined) problem("quantity", "a LIMIT order needs a quantity");
      if (o.price === undefined) problem("price", "a LIMIT order needs a price");
      if (o.notional !== undefined) problem("notional", "notional is only for MARKET BUY orders");
      return;
    }
    if (o.price !== undefined) problem("price", "a MARKET order takes no price");
    if (o.notional !== undefined && o.side !== "BUY") problem("notional", "notional is only for MARKET BUY orders");
    if ((o.quantity === undefined) === (o.notional === undefined)) {
      problem("quantity", "a MARKET order needs exactly one of quantity or notional");
    }
  });
export const orderHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(IDEMPOTENCY_KEY, "must be 1–36 characters of letters, digits, '-' or '_'")
    .refine(
      (key) => !key.startsWith(SIGNAL_OID_PREFIX),
      `the prefix ${SIGNAL_OID_PREFIX} is reserved for signal orders`,
    )
    .optional(),
});
export const orderParam = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be an exchange order id"),
});
export const clientOidParam = z.strictObject({
  id: z.string().regex(IDEMPOTENCY_KEY, "must be a client order id: 1–36 letters, digits, '-' or '_'"),
});

/** The client order id of a manual order: the Idempotency-Key as is, else a fresh one. */
export const manualClientOid = (idempotencyKey: string | undefined) =>
  idempotencyKey ?? `api-${crypto.randomUUID().replaceAll("-", "")}`;

/** Orders: open and history lists (keyset pages), manual orders (idempotent), cancel. */
export function ordersRoutes({ database, clients, config }: Pick<AppDeps, "database" | "clients" | "config">) {
  // Without clients (no exchange configured) placing and cancelling answer 503.
  const limits = placementLimits(config);
  return createRouter()
    .get("/open", validate("query", openQuery), async (c) => {
      return c.json({ orders: await openOrders(database, c.req.valid("query")) });
    })
    .get("/history", validate("query", historyQuery), async (c) => {
      const { cursor, ...filter } = c.req.valid("query");
      const page = await orderHistory(database, {
        ...filter,
        after: cursor ? decodeCursor(cursor) : undefined,
      });
      return c.json({ orders: page.orders, next_cursor: page.next ? encodeCursor(page.next) : null });
    })
    .get("/by-client-id/:id", validate("param", clientOidParam), async (c) => {
      return c.json(await findByClientOrderId(database, c.req.valid("param").id));
    })
    .post("/", validate("header", orderHeaders), requireJson(), validate("json", orderBody), async (c) => {
      const body = c.req.valid("json");
      // The key is the client order id as is, so a retried request can never place a second order.
      const clientOid = manualClientOid(c.req.valid("header")["idempotency-key"]);
      // Every answer from here on, errors and timeouts included, names the order a client can look up.
      c.header("Client-Order-Id", clientOid);
      const outcome = await placeManualOrder(database, clients, { ...body, clientOid }, limits);
      if (outcome.replayed) c.header("Idempotent-Replayed", "true");
      return c.json({ ...outcome, client_order_id: clientOid }, outcome.replayed ? 200 : 201);
    })
    .post("/:id/cancel", validate("param", orderParam), async (c) => {
      return c.json(await cancelOrder(database, clients, c.req.valid("param").id));
    });
}
