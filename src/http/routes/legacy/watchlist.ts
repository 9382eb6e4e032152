import { z } from "zod";
import {
  addWatchlistItem,
  changeWatchlistItem,
  getWatchlistItem,
  listWatchlistItems,
  removeWatchlistItem,
  switchAllWatchlistItems,
  watchlistSymbolOf,
} from "../../../services/watchlist";
import { type AppDeps, createRouter } from "../../context";
import { ApiError } from "../../errors";
import { idField, symbolField } from "../../fields";
import { requireJson } from "../../middleware/require-json";
import { validate } from "../../validation";
import { toFields } from "../watchlist";
import { exchangeName } from "./exchange";
import { type LegacyItemBody, legacyItem, legacyItemBody, toAtpFields } from "./watchlist-fields";

export const idParam = z.strictObject({ id: idField });
export const symbolParam = z.strictObject({ s: symbolField });
export const alertBody = z.strictObject({
  alert_enabled: z.boolean(),
  buy_alert_enabled: z.boolean().optional(),
  sell_alert_enabled: z.boolean().optional(),
});
export const buyAlertBody = z.strictObject({ buy_alert_enabled: z.boolean() });
export const sellAlertBody = z.strictObject({ sell_alert_enabled: z.boolean() });
export const bulkBody = z.strictObject({
  buy_alerts: z.boolean(),
  sell_alerts: z.boolean(),
  trade_enabled: z.boolean(),
});

/**
 * The frontend's watchlist: `/dashboard` (list, add), `/dashboard/{id}` and `/dashboard/symbol/{s}` (read, change,
 * remove), `/dashboard/bulk-update-alerts`, and `/watchlist/{s}/alert|buy-alert|sell-alert`. Over ATP's watchlist
 * service: its checks (listed symbol, limit, presets that can fire) and its validation apply.
 */
export function legacyWatchlistRoutes({
  database,
  config,
  market,
  clients,
  now,
}: Pick<AppDeps, "database" | "config" | "market" | "clients" | "now">) {
  const exchange = exchangeName(config);
  const checks = { listed: clients ? market.isListed : undefined, maxItems: config.WATCHLIST_MAX_ITEMS };
  const render = (item: Parameters<typeof legacyItem>[0]) => legacyItem(item, exchange);

  const change = async (symbol: string, body: LegacyItemBody) => {
    if (body.symbol !== undefined && body.symbol.toUpperCase() !== symbol) {
      throw new ApiError("validation_failed", "invalid json", [{ path: "symbol", message: `must be ${symbol}` }]);
    }
    const current = await getWatchlistItem(database, symbol);
    const fields = toAtpFields(body, { exchange, current, creating: false });
    const item = render(await changeWatchlistItem(database, symbol, toFields(fields)));
    return { ...item, message: `${symbol} updated` };
  };
  const alerts = async (symbol: string, fields: Parameters<typeof toFields>[0]) => {
    const item = await changeWatchlistItem(database, symbol, toFields(fields));
    return {
      ok: true,
      symbol,
      alert_enabled: item.alert_enabled,
      buy_alert_enabled: item.buy_alert_enabled,
      sell_alert_enabled: item.sell_alert_enabled,
      message: `alerts of ${symbol}: buy ${item.buy_alert_enabled ? "on" : "off"}, sell ${item.sell_alert_enabled ? "on" : "off"}`,
    };
  };

  return createRouter()
    .get("/dashboard", async (c) => c.json((await listWatchlistItems(database)).map(render)))
    .post("/dashboard", requireJson(), validate("json", legacyItemBody), async (c) => {
      const body = c.req.valid("json");
      const { symbol, ...fields } = toAtpFields(
        { ...body, symbol: body.symbol?.toUpperCase() },
        { exchange, creating: true },
      ) as ReturnType<typeof toAtpFields> & { symbol: string };
      return c.json(render(await addWatchlistItem(database, symbol, toFields(fields), checks)), 201);
    })
    .post("/dashboard/bulk-update-alerts", requireJson(), validate("json", bulkBody), async (c) => {
      const body = c.req.valid("json");
      const { updated, total } = await switchAllWatchlistItems(database, {
        buyAlertEnabled: body.buy_alerts,
        sellAlertEnabled: body.sell_alerts,
        tradeEnabled: body.trade_enabled,
      });
      return c.json({
        ok: true,
        updated_count: updated,
        total_items: total,
        buy_alert_enabled: body.buy_alerts,
        sell_alert_enabled: body.sell_alerts,
        trade_enabled: body.trade_enabled,
        message: `${updated} of ${total} watchlist items updated`,
      });
    })
    .get("/dashboard/symbol/:s", validate("param", symbolParam), async (c) =>
      c.json(render(await getWatchlistItem(database, c.req.valid("param").s))),
    )
    .put(
      "/dashboard/symbol/:s",
      validate("param", symbolParam),
      requireJson(),
      validate("json", legacyItemBody),
      async (c) => c.json(await change(c.req.valid("param").s, c.req.valid("json"))),
    )
    .delete("/dashboard/symbol/:s", validate("param", symbolParam), async (c) => {
      const { s } = c.req.valid("param");
      await removeWatchlistItem(database, s, now());
      return c.json({ ok: true, symbol: s });
    })
    .put("/dashboard/:id", validate("param", idParam), requireJson(), validate("json", legacyItemBody), async (c) => {
      const symbol = await watchlistSymbolOf(database, c.req.valid("param").id);
      return c.json(await change(symbol, c.req.valid("json")));
    })
    .delete("/dashboard/:id", validate("param", idParam), async (c) => {
      const symbol = await watchlistSymbolOf(database, c.req.valid("param").id);
      await removeWatchlistItem(database, symbol, now());
      return c.json({ ok: true, symbol });
    })
    .put("/watchlist/:s/alert", validate("param", symbolParam), requireJson(), validate("json", alertBody), async (c) =>
      c.json(await alerts(c.req.valid("param").s, c.req.valid("json"))),
    )
    .put(
      "/watchlist/:s/buy-alert",
      validate("param", symbolParam),
      requireJson(),
      validate("json", buyAlertBody),
      async (c) => c.json(await alerts(c.req.valid("param").s, c.req.valid("json"))),
    )
    .put(
      "/watchlist/:s/sell-alert",
      validate("param", symbolParam),
      requireJson(),
      validate("json", sellAlertBody),
      async (c) => c.json(await alerts(c.req.valid("param").s, c.req.valid("json"))),
    );
}
