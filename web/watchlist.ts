import { amount, esc } from "./format";
import type { WatchlistItem } from "./types";

// The watchlist table is keyed by symbol: a stream update rewrites the indicator cells in place and never an
// input the operator is editing, so typing survives the live updates.

const INDICATORS = ["price", "rsi", "ma50", "ma200", "ema10", "atr", "volume_ratio"] as const;
const EDITABLE = ["trade_amount_usd", "take_profit_pct", "stop_loss_pct"] as const;
type Editable = (typeof EDITABLE)[number];

const header = `<table id="watchlist-table"><thead><tr><th>symbol</th>${INDICATORS.map(
  (name) => `<th class="num">${name === "volume_ratio" ? "vol ratio" : name.toUpperCase()}</th>`,
).join("")}<th>signal</th><th>alerts</th><th>trading</th><th class="num">amount USD</th><th class="num">TP %</th>
<th class="num">SL %</th><th></th></tr></thead><tbody></tbody></table>`;

function rowHtml(item: WatchlistItem): string {
  const s = esc(item.symbol);
  const input = (field: Editable, label: string) =>
    `<td class="num"><input class="small" data-field="${field}" aria-label="${label} of ${s}" inputmode="decimal"></td>`;
  return `<td><button class="symbol-link" data-chart="${s}" title="price chart">${s}</button></td>
    ${INDICATORS.map((name) => `<td class="num" data-indicator="${name}"></td>`).join("")}
    <td data-indicator="signal"></td>
    <td><input type="checkbox" data-toggle="alert_enabled" aria-label="alerts for ${s}"></td>
    <td><input type="checkbox" data-toggle="trade_enabled" aria-label="trading for ${s}"></td>
    ${input("trade_amount_usd", "amount")}${input("take_profit_pct", "take profit")}${input("stop_loss_pct", "stop loss")}
    <td><button data-save="${s}">Save</button> <button class="danger" data-delete="${s}">Delete</button></td>`;
}

/** Renders the watchlist into `root`, reusing each symbol's row. */
export function renderWatchlist(root: HTMLElement, items: WatchlistItem[]): void {
  if (items.length === 0) {
    root.innerHTML = `<div class="empty" id="watchlist-empty">The watchlist is empty — add BTC_USDT
      <button data-suggest="BTC_USDT">Add BTC_USDT</button> to start receiving signals.</div>`;
    return;
  }
  let body = root.querySelector<HTMLTableSectionElement>("#watchlist-table tbody");
  if (!body) {
    root.innerHTML = header;
    body = root.querySelector("#watchlist-table tbody") as HTMLTableSectionElement;
  }
  const seen = new Set<string>();
  for (const item of items) {
    seen.add(item.symbol);
    let row = body.querySelector<HTMLTableRowElement>(`tr[data-symbol="${CSS.escape(item.symbol)}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.symbol = item.symbol;
      row.innerHTML = rowHtml(item);
      body.append(row);
    }
    updateRow(row, item);
  }
  for (const row of body.querySelectorAll<HTMLTableRowElement>("tr[data-symbol]")) {
    if (!seen.has(row.dataset.symbol as string)) row.remove();
  }
}

function updateRow(row: HTMLTableRowElement, item: WatchlistItem): void {
  for (const name of INDICATORS) {
    const cell = row.querySelector(`[data-indicator="${name}"]`) as HTMLElement;
    const html = amount(item.market?.[name] ?? null);
    if (cell.innerHTML !== html) cell.innerHTML = html;
  }
  const signal = row.querySelector('[data-indicator="signal"]') as HTMLElement;
  signal.textContent = item.signal ? `${item.signal.side} (${item.signal.status})` : "—";
  for (const toggle of ["alert_enabled", "trade_enabled"] as const) {
    const box = row.querySelector(`[data-toggle="${toggle}"]`) as HTMLInputElement;
    if (box.dataset.pending !== "true") box.checked = item[toggle];
  }
  for (const field of EDITABLE) {
    const input = row.querySelector(`[data-field="${field}"]`) as HTMLInputElement;
    if (document.activeElement !== input && input.dataset.dirty !== "true") input.value = item[field] ?? "";
  }
}

/** The editor's values of one row, as the API wants them: decimal strings, or null for an empty field. */
export function editedFields(row: HTMLElement): Partial<Record<Editable, string | null>> {
  const fields: Partial<Record<Editable, string | null>> = {};
  for (const field of EDITABLE) {
    const input = row.querySelector(`[data-field="${field}"]`) as HTMLInputElement;
    const value = input.value.trim();
    fields[field] = value === "" ? null : value;
  }
  return fields;
}

/** Clears the edited marks of a row after a save. */
export function markSaved(row: HTMLElement): void {
  for (const input of row.querySelectorAll<HTMLInputElement>("input[data-field]")) delete input.dataset.dirty;
}
