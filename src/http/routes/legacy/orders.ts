import { z } from "zod";
import type { OrderJson } from "../../../db/queries/orders";
import { Big, formatDecimal, roundDown } from "../../../domain/money";
import { placeManualOrder, placementLimits } from "../../../services/manual-orders";
import { openOrders, orderCount, orderHistory } from "../../../services/orders";
import { type AppDeps, createRouter } from "../../context";
import { ApiError } from "../../errors";
import { digitsField, limitField, symbolField } from "../../fields";
import { requireJson } from "../../middleware/require-json";
import { fieldErrors, validate } from "../../validation";
import { manualClientOid, orderBody, orderHeaders } from "../orders";
import { exchangeName } from "./exchange";
import { epochMs, num } from "./wire";

/** Deepest page `/orders/history` serves: offset paging scans every skipped row (ATP's own cursor does not). */
export const MAX_HISTORY_OFFSET = 10_000;
const OPEN_ORDERS_LIMIT = 500;

export const historyQuery = z.strictObject({
  limit: limitField(100, 500),
  offset: digitsField(0, MAX_HISTORY_OFFSET).default(0),
});
export const quickBody = z.strictObject({
  symbol: symbolField,
  side: z.enum(["BUY", "SELL"]),
  price: z.number().finite().positive(),
  amount_usd: z.number().finite().positive(),
  use_margin: z.boolean().default(false),
});

/** An order as the frontend's order tables read it (OpenOrder of src/lib/api.ts: amounts as strings, times in ms). */
export function legacyOrder(o: OrderJson) {
  return {
    order_id: o.exchange_order_id,
    client_oid: o.client_oid,
    instrument_name: o.symbol,
    side: o.side,
    order_type: o.order_type,
    status: o.status,
    quantity: o.quantity,
    price: o.price ?? "0",
    cumulative_quantity: o.cumulative_quantity,
    cumulative_value: o.cumulative_value,
    avg_price: o.avg_price,
    filled_quantity: o.cumulative_quantity,
    filled_price: o.avg_price,
    fee: o.fee,
    fee_currency: o.fee_currency,
    trigger_condition: null,
    create_time: epochMs(o.exchange_create_time),
    update_time: epochMs(o.exchange_update_time),
    create_datetime: o.exchange_create_time,
    update_datetime: o.exchange_update_time,
    created_at: o.exchange_create_time,
    updated_at: o.exchange_update_time,
  };
}

/**
 * `GET /orders/open`, `GET /orders/history?limit&offset` (offset paging, bounded by MAX_HISTORY_OFFSET) and
 * `POST /orders/quick` (a MARKET order through ATP's manual orders: idempotent under an `Idempotency-Key`, routed
 * to paper unless live trading is on).
 */
export function legacyOrdersRoutes({ database, clients, config }: Pick<AppDeps, "database" | "clients" | "config">) {
  const limits = placementLimits(config);
  const exchange = exchangeName(config);
  return createRouter()
    .get("/orders/open", async (c) => {
      const orders = await openOrders(database, { limit: OPEN_ORDERS_LIMIT });
      return c.json({ orders: orders.map(legacyOrder), count: orders.length });
    })
    .get("/orders/history", validate("query", historyQuery), async (c) => {
      const { limit, offset } = c.req.valid("query");
      const [page, total] = await Promise.all([orderHistory(database, { limit, offset }), orderCount(database)]);
      return c.json({
        orders: page.orders.map(legacyOrder),
        count: page.orders.length,
        total,
        has_more: page.next !== null,
      });
    })
    .post("/orders/quick", validate("header", orderHeaders), requireJson(), validate("json", quickBody), async (c) => {
      const q = c.req.valid("json");
      if (q.use_margin) {
        throw new ApiError("validation_failed", "invalid json", [
          { path: "use_margin", message: "margin trading is not supported: ATP trades spot only" },
        ]);
      }
      // BUY spends amount_usd (notional); SELL sells amount_usd's worth at the given price.
      const amount = formatDecimal(roundDown(new Big(q.amount_usd), 2));
      const quantity = formatDecimal(roundDown(new Big(q.amount_usd).div(q.price), 12));
      const parsed = orderBody.safeParse(
        q.side === "BUY"
          ? { symbol: q.symbol, side: "BUY", type: "MARKET", notional: amount }
          : { symbol: q.symbol, side: "SELL", type: "MARKET", quantity },
      );
      if (!parsed.success) {
        const details = fieldErrors(parsed.error).map((d) => ({
          ...d,
          path: d.path === "symbol" ? "symbol" : "amount_usd",
        }));
        throw new ApiError("validation_failed", "invalid json", details);
      }
      const clientOid = manualClientOid(c.req.valid("header")["idempotency-key"]);
      c.header("Client-Order-Id", clientOid);
      const outcome = await placeManualOrder(database, clients, { ...parsed.data, clientOid }, limits);
      const { order } = outcome;
      return c.json({
        ok: true,
        // A replay placed nothing now: where the original went is not recorded on the order.
        dry_run: outcome.mode === null ? null : outcome.mode === "DRY_RUN",
        exchange,
        symbol: order.symbol,
        side: order.side,
        type: order.order_type,
        order_id: order.exchange_order_id,
        qty: num(order.cumulative_quantity) || num(order.quantity),
        price: num(order.avg_price) ?? num(order.price) ?? q.price,
        result: { ...outcome, client_order_id: clientOid },
      });
    });
}
