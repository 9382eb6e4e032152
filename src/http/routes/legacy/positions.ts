import { z } from "zod";
import { NotFound } from "../../../domain/errors";
import { Big } from "../../../domain/money";
import { openOrders } from "../../../services/orders";
import { listPositions, type PositionJson } from "../../../services/positions/positions";
import { type AppDeps, createRouter } from "../../context";
import { symbolField } from "../../fields";
import { validate } from "../../validation";
import { unifiedOpenOrder } from "./dashboard-view";
import { baseOf, num, num0 } from "./wire";

export const positionParam = z.strictObject({ s: symbolField });
const OPEN_ORDERS_LIMIT = 500;

const times = (a: string | null, b: string | null) =>
  a === null || b === null ? null : new Big(a).times(b).toNumber();

/** A position as the frontend's ExpectedTPSummary: values at the current price and at cost, TP coverage. */
function expectedSummary(p: PositionJson) {
  const open = new Big(p.open_qty);
  const tpQty = new Big(p.tp_covered_qty);
  const covered = tpQty.gt(open) ? open : tpQty;
  return {
    symbol: p.symbol,
    net_qty: num0(p.open_qty),
    current_price: num(p.current_price),
    position_value: times(p.open_qty, p.current_price),
    actual_position_value: num0(p.open_cost),
    covered_qty: covered.toNumber(),
    uncovered_qty: open.minus(covered).toNumber(),
    total_expected_profit: num0(p.expected_profit_at_tp),
    coverage_ratio: open.gt(0) ? covered.div(open).round(4).toNumber() : 0,
  };
}

/** The frontend's ExpectedTPDetails: the summary with each working take-profit as a matched lot (OCO). */
function expectedDetails(p: PositionJson) {
  const summary = expectedSummary(p);
  const matched = p.protection
    .filter((x) => x.kind === "take_profit")
    .map((tp) => {
      const qty = new Big(tp.quantity).minus(tp.filled_quantity ?? "0");
      const cost = p.average_entry === null ? null : qty.times(p.average_entry);
      const profit = num(tp.expected_outcome);
      return {
        symbol: p.symbol,
        buy_order_id: tp.entry_order_id,
        buy_time: null,
        buy_price: num(p.average_entry),
        lot_qty: qty.toNumber(),
        tp_order_id: tp.exchange_order_id ?? tp.client_oid,
        tp_time: null,
        tp_price: num0(tp.limit_price),
        tp_qty: qty.toNumber(),
        tp_status: tp.state,
        match_origin: "OCO" as const,
        expected_profit: profit ?? 0,
        expected_profit_pct:
          cost?.gt(0) && profit !== null ? new Big(profit).div(cost).times(100).round(2).toNumber() : 0,
      };
    });
  const uncovered = summary.uncovered_qty > 0;
  return {
    ...summary,
    matched_lots: matched,
    has_uncovered: uncovered,
    ...(uncovered
      ? {
          uncovered_entry: {
            symbol: p.symbol,
            uncovered_qty: summary.uncovered_qty,
            label: `${summary.uncovered_qty} ${baseOf(p.symbol)} without a take-profit`,
            is_uncovered: true as const,
          },
        }
      : {}),
  };
}

/**
 * Over ATP's positions (FIFO lots, protection orders) and open orders: `GET /orders/tp-sl-values` (per base
 * currency, what the working take-profits and stop-losses are worth at their limit price),
 * `GET /dashboard/open-orders-summary`, `GET /dashboard/expected-take-profit[/{s}]`.
 */
export function legacyPositionsRoutes({
  database,
  clients,
  services,
}: Pick<AppDeps, "database" | "clients" | "services">) {
  const lastSync = () => services.statuses().find((s) => s.name === "exchange_sync")?.last_success_at ?? null;
  return createRouter()
    .get("/orders/tp-sl-values", async (c) => {
      const { positions } = await listPositions(database, clients);
      const values: Record<string, { tp_value_usd: number; sl_value_usd: number }> = {};
      for (const p of positions) {
        let tp = new Big(0);
        let sl = new Big(0);
        for (const x of p.protection) {
          const worth = new Big(x.quantity).minus(x.filled_quantity ?? "0").times(x.limit_price);
          if (x.kind === "take_profit") tp = tp.plus(worth);
          else sl = sl.plus(worth);
        }
        const base = baseOf(p.symbol);
        const held = values[base] ?? { tp_value_usd: 0, sl_value_usd: 0 };
        values[base] = {
          tp_value_usd: held.tp_value_usd + tp.toNumber(),
          sl_value_usd: held.sl_value_usd + sl.toNumber(),
        };
      }
      return c.json(values);
    })
    .get("/dashboard/open-orders-summary", async (c) => {
      const orders = await openOrders(database, { limit: OPEN_ORDERS_LIMIT });
      return c.json({ orders: orders.map(unifiedOpenOrder), last_updated: lastSync() });
    })
    .get("/dashboard/expected-take-profit", async (c) => {
      const { positions } = await listPositions(database, clients);
      const summary = positions.map(expectedSummary);
      return c.json({ summary, total_symbols: summary.length, last_updated: lastSync() });
    })
    .get("/dashboard/expected-take-profit/:s", validate("param", positionParam), async (c) => {
      const { s } = c.req.valid("param");
      const { positions } = await listPositions(database, clients, { symbol: s });
      const position = positions.find((p) => p.symbol === s);
      if (!position) throw new NotFound(`no open position in ${s}`);
      return c.json(expectedDetails(position));
    });
}
