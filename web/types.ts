// The parts of the dashboard body the console reads (GET /api/dashboard/state, the stream's `state` event).

export interface Order {
  exchange_order_id: string;
  symbol: string;
  side: string;
  order_type: string;
  status: string;
  price: string | null;
  quantity: string | null;
  cumulative_quantity: string | null;
  avg_price: string | null;
  exchange_create_time: string | null;
  exchange_update_time: string | null;
}

export interface Signal {
  id: number;
  symbol: string;
  side: string;
  price: string;
  rsi: string | null;
  reason: string | null;
  status: string;
  status_reason: string | null;
  created_at: string;
}

export interface Market {
  price: string | null;
  rsi: string | null;
  ma50: string | null;
  ma200: string | null;
  ema10: string | null;
  atr: string | null;
  volume_ratio: string | null;
  updated_at: string | null;
}

export interface WatchlistItem {
  symbol: string;
  alert_enabled: boolean;
  trade_enabled: boolean;
  trade_amount_usd: string | null;
  take_profit_pct: string | null;
  stop_loss_pct: string | null;
  market: Market | null;
  signal: { side: string; status: string; created_at: string } | null;
}

export interface Service {
  name: string;
  state: string;
  enabled: boolean;
  last_run_at: string | null;
  last_sync?: string | null;
  last_success_at?: string | null;
  last_error: string | null;
}

export interface Balance {
  asset: string;
  free: string;
  locked: string;
  total: string;
  usd_value: string | null;
}

/** A position as the positions part renders it; names vary, so each is read defensively. */
export type Position = Record<string, unknown> & { symbol: string };

export interface Dashboard {
  total_usd_value: string;
  portfolio_last_updated: string | null;
  portfolio: { net_usd?: string; total_assets_usd?: string; total_borrowed_usd?: string };
  balances: Balance[];
  open_orders: Order[];
  executed_orders: Order[];
  fast_signals: Signal[];
  slow_signals: Signal[];
  watchlist: WatchlistItem[];
  services: Service[];
  bot_status: { mode: string; live_trading: boolean };
  partial: boolean;
  errors: { part: string; message: string }[];
  generated_at: string;
  positions?: Position[];
}
