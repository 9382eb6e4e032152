/**
 * The trading mode and the account orders go to, derived in one place: LIVE only when the operator switched
 * `live_trading` on AND the configured exchange is live; otherwise DRY_RUN on the paper account. Every place that
 * shows or acts on the mode (order routing, /api/trading/mode, the dashboard's bot_status, the console) asks here.
 */

export type TradingMode = "LIVE" | "DRY_RUN";

/** The account name of the paper exchange (a live account is named by its exchange id). */
export const PAPER_ACCOUNT = "paper";

/** What the mode is derived from. */
export interface ModeInputs {
  /** The operator's `live_trading` switch. */
  liveTrading: boolean;
  /** Whether the configured exchange moves real money. */
  exchangeLive: boolean;
  /** The configured exchange's name (`paper` or the ccxt exchange id). */
  exchangeName: string;
}

/** The derived mode: where orders go and why. */
export interface TradingModeState {
  mode: TradingMode;
  /** The account new orders go to and positions are shown for by default. */
  account: string;
  /** Set when the operator's wish and the outcome differ. */
  note: string | null;
}

export const LIVE_BUT_PAPER = "live_trading is on but the exchange is not live: orders go to the paper exchange";

/** The one derivation of the trading mode. */
export function tradingMode({ liveTrading, exchangeLive, exchangeName }: ModeInputs): TradingModeState {
  if (liveTrading && exchangeLive) return { mode: "LIVE", account: exchangeName, note: null };
  return { mode: "DRY_RUN", account: PAPER_ACCOUNT, note: liveTrading ? LIVE_BUT_PAPER : null };
}
