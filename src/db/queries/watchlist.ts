/** The watchlist: its JSON rendering (API and dashboard), its rows for the services, and its writes. */
import type { StrategyOverrides } from "../../domain/strategy";
import type { Queryable } from "../client";
import type { watchlistItems } from "../schema";
import { type Fragment, isoUtc } from "./sql";

/** A live item's row with the schema's field names (its times are rendered by watchlistFields only). */
export type WatchlistRow = Omit<typeof watchlistItems.$inferSelect, "deletedAt" | "createdAt" | "updatedAt">;
/** Fields an operator may set on a watchlist item. */
export type WatchlistFields = Partial<
  Pick<
    typeof watchlistItems.$inferInsert,
    | "alertEnabled"
    | "buyAlertEnabled"
    | "sellAlertEnabled"
    | "preset"
    | "strategyOverrides"
    | "tradeEnabled"
    | "tradeAmountUsd"
    | "buyTarget"
    | "takeProfitPct"
    | "stopLossPct"
    | "tpPrice"
    | "slPrice"
    | "minPriceChangePct"
    | "cooldownSeconds"
  >
>;

/** The latest market data of a watched symbol, as rendered. */
export interface MarketJson {
  price: string;
  rsi: string | null;
  ma50: string | null;
  ma200: string | null;
  ema10: string | null;
  atr: string | null;
  volume_ratio: string | null;
  strategy_state: Record<string, unknown> | null;
  updated_at: string;
}

/** A watchlist item as the API and the dashboard render it (watchlistFields). */
export interface WatchlistJson {
  id: number;
  symbol: string;
  alert_enabled: boolean;
  buy_alert_enabled: boolean;
  sell_alert_enabled: boolean;
  trade_enabled: boolean;
  trade_amount_usd: string | null;
  buy_target: string | null;
  take_profit_pct: string | null;
  stop_loss_pct: string | null;
  tp_price: string | null;
  sl_price: string | null;
  min_price_change_pct: string | null;
  cooldown_seconds: number | null;
  preset: string;
  overrides: StrategyOverrides;
  created_at: string;
  updated_at: string;
  market: MarketJson | null;
  signal: {
    id: number;
    side: string;
    status: string;
    price: string | null;
    should_trade: boolean;
    reason: string | null;
    created_at: string;
  } | null;
}

/**
 * A live watchlist item as the API and the dashboard render it (the table aliased `t`, joined by `watchlistMarket`):
 * its settings with the alert sides resolved, its latest market data and its latest signal.
 */
export function watchlistFields(sql: Queryable): Fragment {
  const iso = (column: string) => isoUtc(sql, column);
  return sql`t.id, t.symbol, t.alert_enabled, coalesce(t.buy_alert_enabled, t.alert_enabled) as buy_alert_enabled,
    coalesce(t.sell_alert_enabled, t.alert_enabled) as sell_alert_enabled, t.trade_enabled,
    t.trade_amount_usd::text as trade_amount_usd, t.buy_target::text as buy_target,
    t.take_profit_pct::text as take_profit_pct, t.stop_loss_pct::text as stop_loss_pct,
    t.tp_price::text as tp_price, t.sl_price::text as sl_price, t.min_price_change_pct::text as min_price_change_pct, t.cooldown_seconds, t.preset,
    t.strategy_overrides as overrides, ${iso("t.created_at")} as created_at, ${iso("t.updated_at")} as updated_at,
    case when wm.symbol is not null then (select row_to_json(r) from (
      select wm.price::text as price, wm.rsi::text as rsi, wm.ma50::text as ma50, wm.ma200::text as ma200,
        wm.ema10::text as ema10, wm.atr::text as atr, wm.volume_ratio::text as volume_ratio, wm.strategy_state,
        ${iso("wm.updated_at")} as updated_at) r) end as market,
    (select row_to_json(s) from (
      select ts.id, ts.side, ts.status, ts.price::text as price, ts.should_trade, ts.reason,
        ${iso("ts.created_at")} as created_at
      from trade_signals ts where ts.symbol = t.symbol
      -- Qualified: a bare created_at here would sort by the text column above, not by the index.
      order by ts.created_at desc nulls last limit 1) s) as signal` as unknown as Fragment;
}

/**
 * The market data `watchlistFields` renders, joined to the items (aliased `t`): one pass over market_data, where a
 * lookup per item scanned the whole small table each time (a sixth of the dashboard's watchlist part).
 */
export function watchlistMarket(sql: Queryable): Fragment {
  return sql`left join market_data wm on wm.symbol = t.symbol` as unknown as Fragment;
}

/** Live (not deleted) watchlist items as rendered, by symbol. */
export async function listWatchlistJson(sql: Queryable): Promise<WatchlistJson[]> {
  const rows = await sql<WatchlistJson[]>`
    select ${watchlistFields(sql)} from watchlist_items t ${watchlistMarket(sql)}
    where t.deleted_at is null order by t.symbol`;
  return rows.map(withNumberId);
}

/** int8 ids read as strings; the JSON shows numbers (as row_to_json renders them on the dashboard). */
function withNumberId(item: WatchlistJson): WatchlistJson {
  return { ...item, id: Number(item.id) };
}

/** One live item as rendered, or null. */
export async function findWatchlistJson(sql: Queryable, symbol: string): Promise<WatchlistJson | null> {
  const [row] = await sql<WatchlistJson[]>`
    select ${watchlistFields(sql)} from watchlist_items t ${watchlistMarket(sql)}
    where t.symbol = ${symbol} and t.deleted_at is null`;
  return row ? withNumberId(row) : null;
}

// The row with the schema's field names, for the services (ids fit a double: identities stay far below 2^53).
const rowColumns = (sql: Queryable) =>
  sql`id::float8 as id, symbol, alert_enabled as "alertEnabled", buy_alert_enabled as "buyAlertEnabled",
    sell_alert_enabled as "sellAlertEnabled", preset, strategy_overrides as "strategyOverrides",
    trade_enabled as "tradeEnabled", trade_amount_usd::text as "tradeAmountUsd", buy_target::text as "buyTarget",
    take_profit_pct::text as "takeProfitPct", stop_loss_pct::text as "stopLossPct", tp_price::text as "tpPrice",
    sl_price::text as "slPrice",
    min_price_change_pct::text as "minPriceChangePct", cooldown_seconds as "cooldownSeconds"`;

/** Live items, alerts on or off, by symbol (at most `limit`): the signal monitor's work list, the strategy views. */
export async function listWatchlistRows(sql: Queryable, limit?: number): Promise<WatchlistRow[]> {
  return await sql<WatchlistRow[]>`
    select ${rowColumns(sql)} from watchlist_items where deleted_at is null order by symbol
    ${limit === undefined ? sql`` : sql`limit ${limit}`}`;
}

/** A live item's row, or null. */
export async function findWatchlistRow(sql: Queryable, symbol: string): Promise<WatchlistRow | null> {
  const [row] = await sql<WatchlistRow[]>`
    select ${rowColumns(sql)} from watchlist_items where symbol = ${symbol} and deleted_at is null`;
  return row ?? null;
}

/** How many live items the watchlist holds. */
export async function countWatchlist(sql: Queryable): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from watchlist_items where deleted_at is null`;
  return row?.n ?? 0;
}

/** The symbol of the live item with this id, or null. */
export async function watchlistSymbolById(sql: Queryable, id: number): Promise<string | null> {
  const [row] = await sql<{ symbol: string }[]>`
    select symbol from watchlist_items where id = ${id} and deleted_at is null`;
  return row?.symbol ?? null;
}

/** An item's buy and sell alert switches: a null side follows alert_enabled (see the schema). */
export function alertSides(item: Pick<WatchlistRow, "alertEnabled" | "buyAlertEnabled" | "sellAlertEnabled">) {
  return { buy: item.buyAlertEnabled ?? item.alertEnabled, sell: item.sellAlertEnabled ?? item.alertEnabled };
}

const COLUMNS = {
  preset: "preset",
  strategyOverrides: "strategy_overrides",
  tradeEnabled: "trade_enabled",
  tradeAmountUsd: "trade_amount_usd",
  buyTarget: "buy_target",
  takeProfitPct: "take_profit_pct",
  stopLossPct: "stop_loss_pct",
  tpPrice: "tp_price",
  slPrice: "sl_price",
  minPriceChangePct: "min_price_change_pct",
  cooldownSeconds: "cooldown_seconds",
} as const satisfies Record<Exclude<keyof WatchlistFields, `${string}lertEnabled`>, string>;

/** `column = value` for each given field but the alert switches (a jsonb value as JSON). */
function plainAssignments(sql: Queryable, fields: WatchlistFields): Fragment[] {
  return (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]).flatMap((key) => {
    const value = fields[key];
    if (value === undefined) return [];
    const rendered = key === "strategyOverrides" ? sql.json(value as never) : value;
    return [sql`${sql(COLUMNS[key])} = ${rendered as string}` as unknown as Fragment];
  });
}

/**
 * The alert assignments of an update: `alert_enabled` (either side) sets both sides, an explicit side wins over it,
 * an untouched side keeps its effective value, and alert_enabled becomes buy OR sell.
 */
function alertAssignments(sql: Queryable, fields: WatchlistFields): Fragment[] {
  const { alertEnabled, buyAlertEnabled, sellAlertEnabled } = fields;
  if (alertEnabled === undefined && buyAlertEnabled === undefined && sellAlertEnabled === undefined) return [];
  const given = (value: boolean | null | undefined) => (value === undefined || value === null ? null : value);
  const side = (explicit: boolean | null | undefined, column: string) =>
    sql`coalesce(${given(explicit)}::boolean, ${given(alertEnabled)}::boolean, ${sql(column)}, alert_enabled)`;
  const buy = side(buyAlertEnabled, "buy_alert_enabled");
  const sell = side(sellAlertEnabled, "sell_alert_enabled");
  return [
    sql`buy_alert_enabled = ${buy}`,
    sql`sell_alert_enabled = ${sell}`,
    sql`alert_enabled = (${buy} or ${sell})`,
  ] as unknown as Fragment[];
}

/** The SET list of an update: the given fields, and updated_at. */
function assignments(sql: Queryable, fields: WatchlistFields): Fragment {
  return [...plainAssignments(sql, fields), ...alertAssignments(sql, fields)].reduce(
    (all, one) => sql`${all}, ${one}` as unknown as Fragment,
    sql`updated_at = now()` as unknown as Fragment,
  );
}

/** Adds a symbol, both alert sides stored explicitly; null when a live item with that symbol already exists. */
export async function insertWatchlistItem(
  sql: Queryable,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistRow | null> {
  const buy = fields.buyAlertEnabled ?? fields.alertEnabled ?? false;
  const sell = fields.sellAlertEnabled ?? fields.alertEnabled ?? false;
  const row: Record<string, unknown> = {
    symbol,
    alert_enabled: buy || sell,
    buy_alert_enabled: buy,
    sell_alert_enabled: sell,
  };
  for (const [key, column] of Object.entries(COLUMNS)) {
    const value = fields[key as keyof typeof COLUMNS];
    if (value !== undefined) row[column] = key === "strategyOverrides" ? sql.json(value as never) : value;
  }
  const [inserted] = await sql<WatchlistRow[]>`
    insert into watchlist_items ${sql(row as Record<string, string>)}
    on conflict (symbol) where deleted_at is null do nothing
    returning ${rowColumns(sql)}`;
  return inserted ?? null;
}

/** Changes a live item; null when there is none. */
export async function updateWatchlistItem(
  sql: Queryable,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistRow | null> {
  const [row] = await sql<WatchlistRow[]>`
    update watchlist_items set ${assignments(sql, fields)} where symbol = ${symbol} and deleted_at is null
    returning ${rowColumns(sql)}`;
  return row ?? null;
}

/** Changes every live item (the alert switches resolved as for one item); returns how many changed. */
export async function updateAllWatchlistItems(sql: Queryable, fields: WatchlistFields): Promise<number> {
  const rows = await sql`update watchlist_items set ${assignments(sql, fields)} where deleted_at is null returning 1`;
  return rows.length;
}

/** Soft-deletes a live item (the row stays, with deleted_at); false when there is none. */
export async function softDeleteWatchlistItem(sql: Queryable, symbol: string, at: Date): Promise<boolean> {
  const rows = await sql`
    update watchlist_items set deleted_at = ${at}, updated_at = now()
    where symbol = ${symbol} and deleted_at is null returning 1`;
  return rows.length > 0;
}
