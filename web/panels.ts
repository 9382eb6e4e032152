import { ago, amount, esc, table, time, usd } from "./format";
import type { Balance, Dashboard, Order, Position, Service, Signal } from "./types";

const side = (s: string) => `<span class="${s === "BUY" ? "buy" : "sell"}">${esc(s)}</span>`;

export function balances(rows: Balance[]): string {
  return table(
    ["asset", "#free", "#locked", "#total", "#USD"],
    rows.map((b) => [esc(b.asset), amount(b.free), amount(b.locked), amount(b.total), usd(b.usd_value)]),
    "No balances yet: exchange_sync mirrors the account shortly after start-up (start it under Services if it is stopped).",
  );
}

export function orders(rows: Order[], open: boolean): string {
  return table(
    ["time", "symbol", "side", "type", "status", "#qty", "#price", ...(open ? [""] : [])],
    rows.map((o) => [
      time(open ? o.exchange_create_time : o.exchange_update_time),
      esc(o.symbol),
      side(o.side),
      esc(o.order_type),
      esc(o.status),
      amount(open ? o.quantity : (o.cumulative_quantity ?? o.quantity)),
      amount(open ? o.price : (o.avg_price ?? o.price)),
      ...(open ? [`<button data-cancel="${esc(o.exchange_order_id)}">Cancel</button>`] : []),
    ]),
    open ? "No open orders." : "No executed orders yet.",
  );
}

export function signals(rows: Signal[], fast: boolean): string {
  return table(
    ["time", "symbol", "side", "#price", "#RSI", "status", "reason"],
    rows.map((s) => [
      time(s.created_at),
      esc(s.symbol),
      side(s.side),
      amount(s.price),
      amount(s.rsi),
      esc(s.status),
      esc(s.status_reason ?? s.reason ?? ""),
    ]),
    fast
      ? "No tradable signals yet: turn on trading for a watchlist symbol."
      : "No signals yet: the signal monitor evaluates alert-enabled symbols every interval.",
  );
}

export function services(rows: Service[]): string {
  return table(
    ["service", "state", "last success", "last error", ""],
    rows.map((s) => [
      esc(s.name),
      `<span class="badge ${s.state === "running" ? "ok" : s.state === "crashed" || s.state === "failed" ? "down" : ""}">${esc(s.state)}</span>`,
      esc(ago(s.last_sync ?? s.last_success_at ?? null)),
      esc(s.last_error ?? ""),
      s.state === "running" || s.state === "starting" || s.state === "standby"
        ? `<button data-service="${esc(s.name)}" data-action="stop">Stop</button>`
        : `<button data-service="${esc(s.name)}" data-action="start">Start</button>`,
    ]),
    "No services known.",
  );
}

export function trading(status: Dashboard["bot_status"]): string {
  const live = status.mode === "LIVE";
  return `<p>Mode: <span class="badge ${live ? "live" : "ok"}">${esc(status.mode)}</span>
    live trading switch: <strong>${status.live_trading ? "on" : "off"}</strong></p>
    ${
      status.live_trading
        ? '<button data-mode="paper">Back to paper trading</button>'
        : '<button class="danger" data-mode="live">Go live…</button>'
    }`;
}

const pick = (p: Position, ...names: string[]) => {
  for (const name of names) if (p[name] !== undefined && p[name] !== null) return String(p[name]);
  return null;
};

export function positions(rows: Position[]): string {
  return table(
    ["symbol", "#quantity", "#avg entry", "#price", "#unrealised P&L", "#P&L %", ""],
    rows.map((p) => {
      const pnl = pick(p, "unrealized_pnl", "unrealised_pnl", "unrealized_pnl_usd", "pnl");
      const pct = pick(p, "unrealized_pnl_pct", "unrealised_pnl_pct", "pnl_pct");
      const cls = pnl === null ? "" : Number(pnl) >= 0 ? "pos" : "neg";
      return [
        esc(p.symbol),
        amount(pick(p, "open_quantity", "quantity", "open_qty")),
        amount(pick(p, "average_entry", "avg_entry_price", "average_entry_price", "avg_entry")),
        amount(pick(p, "current_price", "price")),
        `<span class="${cls}">${pnl === null ? "—" : usd(pnl)}</span>`,
        `<span class="${cls}">${pct === null ? "—" : `${Number(pct).toFixed(2)} %`}</span>`,
        `<button class="danger" data-exit="${esc(p.symbol)}">Force exit</button>`,
      ];
    }),
    "No open positions.",
  );
}
