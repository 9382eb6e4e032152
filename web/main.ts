import "./style.css";
import { ApiProblem, api, connectStream, retryNow, token } from "./api";
import { PortfolioChart, PriceChart } from "./charts";
import { usd } from "./format";
import * as panels from "./panels";
import type { Dashboard } from "./types";
import { editedFields, markSaved, renderWatchlist } from "./watchlist";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- notices: every failed action says what went wrong, in the server's words ----
let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function notify(message: string, kind: "error" | "info" = "error"): void {
  const box = $("notice");
  box.textContent = message;
  box.className = kind;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (box.hidden = true), kind === "error" ? 12_000 : 4000);
}

async function act(what: string, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    notify(`${what} failed: ${error instanceof ApiProblem ? error.message : String(error)}`);
    return false;
  }
}

// ---- the token: entered once, kept in this browser, sent on every call ----
function showToken(): void {
  const saved = token.get();
  $<HTMLInputElement>("token").placeholder = saved ? "token saved in this browser" : "API token (kept in this browser)";
  $("token-forget").hidden = !saved;
}
$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>("token");
  if (!input.value.trim()) return;
  token.set(input.value.trim());
  input.value = "";
  showToken();
  notify("Token saved in this browser.", "info");
  retryNow();
});
$("token-forget").addEventListener("click", () => {
  token.clear();
  showToken();
});
showToken();

// ---- rendering of each state; a part is redrawn only when its JSON changed ----
const drawn = new Map<string, string>();
function changed(key: string, value: unknown): boolean {
  const json = JSON.stringify(value);
  if (drawn.get(key) === json) return false;
  drawn.set(key, json);
  return true;
}

// Charts are made after the first state is drawn: the numbers come first.
let portfolioChart: PortfolioChart | undefined;
const priceChart = new PriceChart($("price-chart"));

function render(state: Dashboard): void {
  if (changed("portfolio", [state.portfolio, state.portfolio_last_updated])) {
    const net = state.portfolio.net_usd ?? state.total_usd_value;
    $("portfolio-value").textContent = usd(net);
    const loans = Number(state.portfolio.total_borrowed_usd ?? 0);
    $("portfolio-meta").textContent =
      `assets ${usd(state.portfolio.total_assets_usd ?? state.total_usd_value)}` +
      (loans > 0 ? ` · loans ${usd(state.portfolio.total_borrowed_usd)}` : "") +
      (state.portfolio_last_updated
        ? ` · valued ${new Date(state.portfolio_last_updated).toLocaleTimeString()}`
        : " · not valued yet");
    portfolioChart?.extend(state.portfolio_last_updated, net);
  }
  if (changed("watchlist", state.watchlist)) renderWatchlist($("watchlist"), state.watchlist);
  if (changed("balances", state.balances)) $("balances").innerHTML = panels.balances(state.balances);
  if (changed("open", state.open_orders)) $("open-orders").innerHTML = panels.orders(state.open_orders, true);
  if (changed("executed", state.executed_orders)) {
    $("executed-orders").innerHTML = panels.orders(state.executed_orders, false);
  }
  if (changed("fast", state.fast_signals)) $("fast-signals").innerHTML = panels.signals(state.fast_signals, true);
  if (changed("slow", state.slow_signals)) $("slow-signals").innerHTML = panels.signals(state.slow_signals, false);
  if (changed("services", state.services)) $("services").innerHTML = panels.services(state.services);
  if (changed("trading", state.bot_status)) {
    $("trading").innerHTML = panels.trading(state.bot_status);
    const mode = $("mode");
    mode.textContent = state.bot_status.mode;
    mode.className = `badge ${state.bot_status.mode === "LIVE" ? "live" : "ok"}`;
  }
  // Positions appear with the part that carries them (the positions capability), and not before.
  $("positions-panel").hidden = state.positions === undefined;
  if (state.positions !== undefined && changed("positions", state.positions)) {
    $("positions").innerHTML = panels.positions(state.positions);
  }
  $("generated").textContent =
    `state of ${new Date(state.generated_at).toLocaleTimeString()}` +
    (state.partial ? ` · partial: ${state.errors.map((e) => e.part).join(", ")}` : "");
  document.body.dataset.generatedAt = state.generated_at;
  const states = Number(document.body.dataset.states ?? 0) + 1;
  document.body.dataset.states = String(states);
  if (states === 1) performance.mark("atp:first-state");
}

let firstState = true;
function show(state: Dashboard): void {
  render(state);
  if (firstState) {
    firstState = false;
    // The chart's history is not needed for the first paint of the numbers: fetched once they are drawn.
    setTimeout(() => {
      portfolioChart = new PortfolioChart($("portfolio-chart"));
      portfolioChart
        .load()
        .then(() =>
          portfolioChart?.extend(state.portfolio_last_updated, state.portfolio.net_usd ?? state.total_usd_value),
        )
        .catch((error) => notify(`Portfolio history: ${error instanceof Error ? error.message : error}`));
    }, 0);
  }
}

// The cached state, asked for by the page's head before this bundle loaded (or now), is drawn while the
// stream is being opened (a ticket, then the EventSource).
const early = (window as { atpFirstState?: Promise<Dashboard | null> }).atpFirstState;
(early ?? api<Dashboard>("GET", "/api/dashboard/state"))
  .then((state) => {
    if (state && firstState) show(state);
  })
  .catch(() => {});
connectStream({
  onState: (body) => show(JSON.parse(body) as Dashboard),
  onStatus: (status, detail) => {
    const badge = $("connection");
    badge.textContent = status === "live" ? "live" : status === "locked" ? "token needed" : "reconnecting…";
    badge.className = `badge ${status === "live" ? "ok" : status === "locked" ? "down" : "warn"}`;
    if (status === "locked") notify(detail ?? "This server needs a token to read: enter it above.");
  },
});

// ---- actions (one delegated listener per kind) ----
const watchlistRoot = $("watchlist");

async function addSymbol(symbol: string, amountUsd?: string): Promise<void> {
  const body: Record<string, unknown> = { symbol: symbol.trim().toUpperCase(), alert_enabled: true };
  if (amountUsd) body.trade_amount_usd = amountUsd.trim();
  if (await act(`Adding ${body.symbol}`, () => api("POST", "/api/watchlist", body))) {
    notify(`${body.symbol} added to the watchlist.`, "info");
    $<HTMLFormElement>("watchlist-add").reset();
  }
}

$("watchlist-add").addEventListener("submit", (event) => {
  event.preventDefault();
  void addSymbol($<HTMLInputElement>("add-symbol").value, $<HTMLInputElement>("add-amount").value || undefined);
});

watchlistRoot.addEventListener("input", (event) => {
  const input = event.target as HTMLInputElement;
  if (input.dataset.field) input.dataset.dirty = "true";
});

watchlistRoot.addEventListener("change", async (event) => {
  const box = event.target as HTMLInputElement;
  const field = box.dataset.toggle;
  const row = box.closest<HTMLElement>("tr[data-symbol]");
  if (!field || !row) return;
  box.dataset.pending = "true";
  const ok = await act(`Changing ${row.dataset.symbol}`, () =>
    api("PATCH", `/api/watchlist/${encodeURIComponent(row.dataset.symbol as string)}`, { [field]: box.checked }),
  );
  if (!ok) box.checked = !box.checked;
  delete box.dataset.pending;
});

watchlistRoot.addEventListener("click", async (event) => {
  const target = event.target as HTMLElement;
  const { suggest, save, delete: remove, chart } = target.dataset;
  if (suggest) return void addSymbol(suggest);
  if (save) {
    const row = target.closest<HTMLElement>("tr[data-symbol]") as HTMLElement;
    if (
      await act(`Saving ${save}`, () => api("PATCH", `/api/watchlist/${encodeURIComponent(save)}`, editedFields(row)))
    ) {
      markSaved(row);
      notify(`${save} saved.`, "info");
    }
  }
  if (remove && confirm(`Stop watching ${remove}?`)) {
    await act(`Deleting ${remove}`, () => api("DELETE", `/api/watchlist/${encodeURIComponent(remove)}`));
  }
  if (chart) await showPriceChart(chart);
});

async function showPriceChart(symbol: string): Promise<void> {
  $("price-chart-box").hidden = false;
  $("price-chart-title").textContent = `${symbol} · 1h candles`;
  $("price-chart-note").textContent = "loading…";
  try {
    const n = await priceChart.show(symbol);
    $("price-chart-note").textContent =
      n === 0 ? "The exchange returned no candles." : `${n} candles from the exchange`;
  } catch (error) {
    $("price-chart-note").textContent = `No candles: ${error instanceof Error ? error.message : String(error)}`;
  }
}

$("open-orders").addEventListener("click", async (event) => {
  const id = (event.target as HTMLElement).dataset.cancel;
  if (id && confirm(`Cancel order ${id}?`)) {
    await act(`Cancelling ${id}`, () => api("POST", `/api/orders/${encodeURIComponent(id)}/cancel`));
  }
});

$("services").addEventListener("click", async (event) => {
  const { service, action } = (event.target as HTMLElement).dataset;
  if (service && action) await act(`${action} ${service}`, () => api("POST", `/api/services/${service}/${action}`));
});

$("positions").addEventListener("click", async (event) => {
  const symbol = (event.target as HTMLElement).dataset.exit;
  if (!symbol || !confirm(`Sell the whole ${symbol} position at market now?`)) return;
  // The key becomes the SELL's client order id as exit-<key>: 31 characters at most.
  const key = `${symbol}-${Date.now()}`.slice(0, 31);
  await act(`Force exit of ${symbol}`, () =>
    api("POST", `/api/positions/${encodeURIComponent(symbol)}/exit`, undefined, { "Idempotency-Key": key }),
  );
});

// Going live needs the word typed out: a stray click can never switch real-money trading on.
const dialog = $<HTMLDialogElement>("confirm-live");
const confirmText = $<HTMLInputElement>("confirm-live-text");
confirmText.addEventListener("input", () => {
  $<HTMLButtonElement>("confirm-live-ok").disabled = confirmText.value.trim() !== "LIVE";
});
dialog.addEventListener("close", async () => {
  if (dialog.returnValue === "ok" && confirmText.value.trim() === "LIVE") {
    await act("Switching to live trading", () => api("PUT", "/api/trading/mode", { live_trading: true }));
  }
  confirmText.value = "";
  $<HTMLButtonElement>("confirm-live-ok").disabled = true;
});
$("trading").addEventListener("click", async (event) => {
  const mode = (event.target as HTMLElement).dataset.mode;
  if (mode === "live") dialog.showModal();
  if (mode === "paper")
    await act("Switching to paper trading", () => api("PUT", "/api/trading/mode", { live_trading: false }));
});

document.title = `ATP console · ${location.host}`;
