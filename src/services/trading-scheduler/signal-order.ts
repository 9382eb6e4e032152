import { notifyChange } from "../../db/changes";
import { recordOrder } from "../../db/queries/orders";
import { readEntriesEnabled } from "../../db/queries/settings";
import {
  type ClaimedSignal,
  closePositions,
  endSignal,
  lastSignalOrderAt,
  markOrderPlaced,
  markPlacing,
  openPositions,
} from "../../db/queries/signal-orders";
import { ExchangeError, reactionTo } from "../../domain/exchange-errors";
import { quantityDecimalsFor, type SizedOrder, sizeSignalOrder } from "../../domain/order-sizing";
import type { Balance } from "../../domain/orders";
import { STABLECOINS } from "../../domain/portfolio";
import { splitSymbol } from "../../domain/symbol";
import { checkGuards } from "../../domain/trading-guards";
import type { ExchangeClient } from "../../exchanges/types";
import { effectiveRules } from "../strategy";
import { routeOrder } from "../trading-mode";
import type { TradingSchedulerDeps } from "./types";

/** What became of one claimed signal. */
export type SignalOutcome = "placed" | "skipped" | "failed" | "retry";

/** The client order id of a signal's order: the exchange returns the existing order for a repeat. */
export const signalClientOid = (signalId: number) => `sig-${signalId}`;

const freeOf = (balances: Balance[], asset: string) => balances.find((b) => b.asset === asset)?.free ?? "0";

/**
 * Takes one claimed signal to its end: guards (a fresh claim only), sizing, the order (client order id
 * `sig-<id>`, so a repeat after a crash returns the first order), then the order and the signal's new status
 * recorded in one transaction. Exchange refusals fail the signal; temporary exchange trouble leaves it claimed
 * for a later attempt; bad credentials are rethrown (stop and report).
 */
export async function placeSignalOrder(deps: TradingSchedulerDeps, signal: ClaimedSignal): Promise<SignalOutcome> {
  const { database, clients, log } = deps;
  const now = () => deps.now?.() ?? new Date();
  const { base, quote } = splitSymbol(signal.symbol);
  const end = async (status: "skipped" | "failed", reason: string): Promise<SignalOutcome> => {
    await endSignal(database.sql, signal.id, status, reason, now());
    await notifyChange(database.sql, "signals");
    log.info(`signal ${status}`, { signal_id: signal.id, symbol: signal.symbol, side: signal.side, reason });
    return status;
  };

  let client: ExchangeClient;
  let live: boolean;
  let note: string | null = null;
  let order: SizedOrder;
  try {
    if (signal.placing) {
      // Guards already passed and the order may exist: place it on the same exchange as the first attempt, sized
      // without balances (that attempt may have spent them); an existing order comes back whatever the quantity.
      live = signal.placing === "live";
      if (live && !clients.exchange.live)
        return end("failed", "its order was going to the live exchange, which is no longer configured");
      client = live ? clients.exchange : clients.paperExchange;
      const sized = sizeSignalOrder({ ...sizing(signal), baseFree: null });
      if (!sized.ok) return end("failed", sized.reason);
      order = sized.order;
    } else {
      if (!STABLECOINS.has(quote)) return end("skipped", `quote ${quote} is not a USD stablecoin (amounts are in USD)`);
      // Paused entries stop new positions only: exits (SELL signals) and protection go on.
      if (signal.side === "BUY" && !(await readEntriesEnabled(database.sql))) {
        return end("skipped", "new entries are paused (entries_enabled is false)");
      }
      ({ client, live, note } = await routeOrder(database, clients));
      const balances = await client.fetchBalances();
      const positions = await openPositions(database.sql, signal.symbol);
      const guard = checkGuards({
        side: signal.side,
        symbol: signal.symbol,
        tradeAmountUsd: signal.tradeAmountUsd,
        now: now(),
        signalCreatedAt: signal.createdAt,
        maxSignalAgeSeconds: deps.config.SIGNAL_MAX_AGE_S,
        openPositions: positions.count,
        maxOpenPositions: deps.config.MAX_OPEN_POSITIONS,
        holdsPosition: positions.holds,
        lastOrderAt: await lastSignalOrderAt(database.sql, signal.symbol),
        cooldownSeconds:
          (await effectiveRules(database, signal.symbol))?.cooldown_seconds ?? deps.config.SIGNAL_COOLDOWN_S,
        quoteAsset: quote,
        quoteFree: freeOf(balances, quote),
      });
      if (!guard.ok) return end("skipped", guard.reason);
      const sized = sizeSignalOrder({ ...sizing(signal), baseFree: freeOf(balances, base) });
      if (!sized.ok) return end("skipped", sized.reason);
      order = sized.order;
      await markPlacing(database.sql, signal.id, live, now());
    }

    const placed = await client.createOrder({
      symbol: signal.symbol,
      type: "MARKET",
      clientOid: signalClientOid(signal.id),
      ...order,
    });
    await database.sql.begin(async (tx) => {
      await recordOrder(tx, client.name, placed, signal.id);
      await markOrderPlaced(tx, signal.id, placed.exchangeOrderId, note, now());
      if (signal.side === "SELL") await closePositions(tx, signal.symbol, signal.id, now());
      await notifyChange(tx, "orders");
      await notifyChange(tx, "signals");
    });
    log.info("signal order placed", {
      signal_id: signal.id,
      symbol: signal.symbol,
      side: signal.side,
      exchange_order_id: placed.exchangeOrderId,
      status: placed.status,
      mode: live ? "LIVE" : "DRY_RUN",
      ...(note ? { note } : {}),
    });
    deps.notifier.notify({
      event: "order",
      symbol: placed.symbol,
      text: `${live ? "LIVE" : "PAPER"} ${placed.side} ${placed.symbol}: order ${placed.exchangeOrderId} ${placed.status}`,
      data: { signal_id: signal.id, order: placed, live },
    });
    return "placed";
  } catch (error) {
    // Only the exchange's failures are this signal's; anything else fails the cycle.
    if (!(error instanceof ExchangeError)) throw error;
    switch (reactionTo(error)) {
      case "reject":
        return end("failed", `${error.name}: ${error.message}`);
      case "retry":
        log.warn("signal order deferred: exchange unavailable", { signal_id: signal.id, error });
        return "retry";
      case "stop":
        throw error;
    }
  }
}

function sizing(signal: ClaimedSignal) {
  return {
    side: signal.side,
    tradeAmountUsd: signal.tradeAmountUsd ?? "0",
    price: signal.price,
    baseAsset: splitSymbol(signal.symbol).base,
    quantityDecimals: quantityDecimalsFor(signal.price),
  };
}
