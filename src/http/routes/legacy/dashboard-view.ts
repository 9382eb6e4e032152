import type { OrderJson } from "../../../db/queries/orders";
import type { SignalJson } from "../../../db/queries/signals";
import type { DashboardSnapshot } from "../../../services/dashboard";
import type { PartError } from "../../../services/dashboard/builder";
import { encodeBody } from "../../../services/dashboard/encodings";
import type { DashboardService } from "../../../services/dashboard/services-part";
import { baseOf, epochMs, num, num0 } from "./wire";

/** The parts of ATP's dashboard body this view reads (the rest is passed through as is). */
interface AtpDashboard {
  total_usd_value: string | null;
  balances: {
    asset: string;
    free: string;
    locked: string;
    total: string;
    usd_value: string | null;
    updated_at: string;
  }[];
  portfolio: {
    assets: { asset: string; total: string; usd_value: string | null; share_pct: string | null }[];
    loans: { currency: string; borrowed_amount: string; borrowed_usd: string }[];
    total_assets_usd: string;
    total_borrowed_usd: string;
    net_usd: string;
  } | null;
  portfolio_last_updated: string | null;
  open_orders: OrderJson[];
  executed_orders: OrderJson[];
  fast_signals: SignalJson[];
  slow_signals: SignalJson[];
  services: DashboardService[];
  bot_status: { mode: "LIVE" | "DRY_RUN"; live_trading: boolean } | null;
  errors: PartError[];
  generated_at: string;
  [key: string]: unknown;
}

const TRIGGER_TYPES = new Set(["STOP_LIMIT", "TAKE_PROFIT_LIMIT"]);

/** An order as the frontend's dashboard reads it: numbers, and `created_at`/`updated_at`. */
export function legacyDashboardOrder(o: OrderJson) {
  return {
    ...o,
    price: num(o.price),
    quantity: num(o.quantity),
    cumulative_quantity: num(o.cumulative_quantity),
    cumulative_value: num(o.cumulative_value),
    avg_price: num(o.avg_price),
    fee: num(o.fee),
    created_at: o.exchange_create_time,
    updated_at: o.exchange_update_time,
    create_time: epochMs(o.exchange_create_time),
    update_time: epochMs(o.exchange_update_time),
  };
}

/** An open order in the frontend's unified shape (`open_orders_summary`, `/dashboard/open-orders-summary`). */
export function unifiedOpenOrder(o: OrderJson) {
  const isTrigger = TRIGGER_TYPES.has(o.order_type);
  return {
    order_id: o.exchange_order_id,
    exchange_order_id: o.exchange_order_id,
    symbol: o.symbol,
    base_symbol: baseOf(o.symbol),
    side: o.side,
    order_type: o.order_type,
    type: o.order_type,
    status: o.status,
    price: num(o.price),
    // ATP keeps one price per order; a trigger order's is its trigger.
    trigger_price: isTrigger ? num(o.price) : null,
    quantity: num(o.quantity),
    is_trigger: isTrigger,
    trigger_type: isTrigger ? o.order_type : null,
    trigger_condition: null,
    client_oid: o.client_oid,
    created_at: o.exchange_create_time,
    updated_at: o.exchange_update_time,
    source: "exchange_orders",
  };
}

function legacySignal(s: SignalJson, hint: "fast" | "slow") {
  return {
    ...s,
    preset: s.strategy,
    sl_profile: null,
    rsi: num(s.rsi),
    ma50: num(s.ma50),
    ma200: num(s.ma200),
    ema10: num(s.ema10),
    atr: num(s.atr),
    volume_ratio: num(s.volume_ratio),
    price: num(s.price),
    current_price: num(s.price),
    trade_amount_usd: num(s.trade_amount_usd),
    resistance_up: null,
    resistance_down: null,
    volume_24h: null,
    refresh_hint: hint,
  };
}

/** The frontend's header badge: running while the trading scheduler runs (here or, on standby, in a replica). */
export function legacyBotStatus(services: readonly DashboardService[], mode: AtpDashboard["bot_status"]) {
  const scheduler = services.find((s) => s.name === "trading_scheduler");
  const running = scheduler?.state === "running" || scheduler?.state === "standby";
  const reason = running
    ? null
    : `trading_scheduler is ${scheduler?.state ?? (scheduler?.enabled ? "not running" : "not enabled (SERVICES)")}`;
  const live = mode?.live_trading ?? false;
  return {
    is_running: running,
    status: running ? ("running" as const) : ("stopped" as const),
    reason,
    live_trading_enabled: live,
    mode: live ? ("LIVE" as const) : ("DRY_RUN" as const),
  };
}

/** ATP's dashboard body as the replaced frontend reads `/dashboard/state`. */
export function legacyDashboardState(atp: AtpDashboard) {
  const balances = atp.balances ?? [];
  const byAsset = new Map(balances.map((b) => [b.asset, b]));
  const portfolio = atp.portfolio;
  const assets = (portfolio?.assets ?? []).map((a) => {
    const b = byAsset.get(a.asset);
    return {
      coin: a.asset,
      balance: num0(a.total),
      available_qty: num0(b?.free ?? a.total),
      reserved_qty: num0(b?.locked),
      haircut: 0,
      value_usd: num0(a.usd_value),
      share_pct: num(a.share_pct),
      updated_at: b?.updated_at ?? atp.portfolio_last_updated ?? atp.generated_at,
    };
  });
  return {
    ...atp,
    source: "atp",
    total_usd_value: num0(atp.total_usd_value),
    balances: balances.map((b) => ({
      asset: b.asset,
      currency: b.asset,
      balance: num0(b.total),
      free: num0(b.free),
      locked: num0(b.locked),
      total: num0(b.total),
      quantity: num0(b.total),
      usd_value: num(b.usd_value),
      market_value: num(b.usd_value),
      updated_at: b.updated_at,
    })),
    portfolio: {
      assets,
      total_value_usd: num0(portfolio?.total_assets_usd ?? atp.total_usd_value),
      total_assets_usd: num0(portfolio?.total_assets_usd),
      total_borrowed_usd: num0(portfolio?.total_borrowed_usd),
      net_usd: num0(portfolio?.net_usd),
      loans: (portfolio?.loans ?? []).map((l) => ({
        currency: l.currency,
        borrowed_amount: num0(l.borrowed_amount),
        borrowed_usd_value: num0(l.borrowed_usd),
      })),
    },
    open_orders: (atp.open_orders ?? []).map(legacyDashboardOrder),
    executed_orders: (atp.executed_orders ?? []).map(legacyDashboardOrder),
    open_orders_summary: (atp.open_orders ?? []).map(unifiedOpenOrder),
    fast_signals: (atp.fast_signals ?? []).map((s) => legacySignal(s, "fast")),
    slow_signals: (atp.slow_signals ?? []).map((s) => legacySignal(s, "slow")),
    bot_status: legacyBotStatus(atp.services ?? [], atp.bot_status),
    errors: (atp.errors ?? []).map((e) => `${e.part}: ${e.message}`),
  };
}

/** One snapshot's legacy rendering: a snapshot of its own (body, ETag, compressed copies), and whether it is empty. */
export interface LegacyView {
  snapshot: DashboardSnapshot;
  /** No balances and no open orders: the frontend waits for a later snapshot. */
  empty: boolean;
}

// Keyed by the cache's snapshot objects: a rendering lives exactly as long as its snapshot, and the Hono route and
// Bun's router share it.
const views = new WeakMap<DashboardSnapshot, LegacyView>();

/**
 * The legacy rendering of a cached dashboard, made once per snapshot (like ATP's own body: serialised once,
 * compressed off the request path, its own ETag derived from ATP's), so `/dashboard/state` under the legacy prefix
 * is served from the same cache at the same cost per request.
 */
export function legacyView(snapshot: DashboardSnapshot, { compress = true }: { compress?: boolean } = {}): LegacyView {
  let view = views.get(snapshot);
  if (!view) {
    const state = legacyDashboardState(JSON.parse(snapshot.body) as AtpDashboard);
    const body = JSON.stringify(state);
    // A pure function of ATP's body, whose ETag already leaves out generated_at: the same tag, marked.
    const etag = snapshot.etag.replace(/"$/, '-legacy"');
    const made: DashboardSnapshot = { ...snapshot, body, etag, encoded: undefined };
    // Like ATP's own body, compressed only when the cache keeps it (DASHBOARD_CACHE=on). encodeBody leaves out a
    // coding that fails (identity is then served); it does not reject.
    if (compress) {
      void encodeBody(body, etag).then((encoded) => {
        made.encoded = encoded;
      });
    }
    view = { snapshot: made, empty: state.balances.length === 0 && state.open_orders.length === 0 };
    views.set(snapshot, view);
  }
  return view;
}
