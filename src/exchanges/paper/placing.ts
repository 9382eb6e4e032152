/**
 * Placing and cancelling inside the account's transaction: a MARKET order fills at once and moves free funds;
 * a LIMIT order locks its funds, rests, and fills at once whatever part is already through the market; a trigger
 * order locks its funds the same way and rests unarmed until its trigger is crossed.
 */
import { InsufficientFundsError, InvalidOrderError, UnknownOrderError } from "../../domain/exchange-errors";
import { Big, formatDecimal } from "../../domain/money";
import { isOpenStatus } from "../../domain/orders";
import { feeAsset, marketFill, type ValidatedOrder } from "./fills";
import { applyRestingFill, reservation } from "./matching";
import type { PricePath } from "./prices";
import {
  adjustBalance,
  insertOrder,
  type PaperOrderRow,
  selectFree,
  selectOrder,
  type Tx,
  updateStatus,
} from "./store";

/** The account's fee and slippage rates. */
export interface PaperRates {
  feeRate: Big;
  slippageRate: Big;
}

/** Places a validated order at `now` (the caller has matched resting orders up to now and checked its clientOid). */
export async function placeOrder(
  tx: Tx,
  clientOid: string,
  order: ValidatedOrder,
  path: PricePath,
  rates: PaperRates,
  now: number,
): Promise<PaperOrderRow> {
  const { base, quote } = order.market;
  const common = { clientOid, symbol: order.market.symbol, side: order.side, time: now };
  const feeCurrency = feeAsset(order.side, order.market);

  if (order.type === "MARKET") {
    const fill = marketFill(order, new Big(path.priceStringAt(now)), rates.feeRate, rates.slippageRate);
    if (order.side === "BUY") {
      await requireFree(tx, quote, fill.value);
      await adjustBalance(tx, quote, { free: fill.value.neg().toFixed() }, now);
      await adjustBalance(tx, base, { free: fill.quantity.minus(fill.fee).toFixed() }, now);
    } else {
      await requireFree(tx, base, fill.quantity);
      await adjustBalance(tx, base, { free: fill.quantity.neg().toFixed() }, now);
      await adjustBalance(tx, quote, { free: fill.value.minus(fill.fee).toFixed() }, now);
    }
    return insertOrder(tx, {
      ...common,
      type: "MARKET",
      status: "FILLED",
      price: null,
      quantity: fill.quantity.toFixed(),
      filledQuantity: fill.quantity.toFixed(),
      filledValue: fill.value.toFixed(),
      fee: fill.fee.toFixed(),
      feeCurrency,
    });
  }

  const quantity = order.quantity ?? new Big(0);
  const price = order.price ?? new Big(0);
  // Funds of a resting order are locked: the quote value for a BUY, the base quantity for a SELL. A trigger order
  // reserves nothing until it is armed (a take-profit and a stop-loss may cover the same coins, as an OCO pair
  // does), but must be coverable when placed.
  const [lockAsset, lockAmount] = order.side === "BUY" ? [quote, quantity.times(price)] : [base, quantity];
  await requireFree(tx, lockAsset, lockAmount);
  if (order.triggerPrice === null) {
    await adjustBalance(tx, lockAsset, { free: lockAmount.neg().toFixed(), locked: lockAmount.toFixed() }, now);
  }
  const resting = await insertOrder(tx, {
    ...common,
    type: order.type,
    status: "ACTIVE",
    price: price.toFixed(),
    quantity: quantity.toFixed(),
    filledQuantity: "0",
    filledValue: "0",
    fee: "0",
    feeCurrency,
    triggerPrice: order.triggerPrice?.toFixed() ?? null,
  });
  // An order already through the market (a trigger already crossed) fills its first part at once.
  return applyRestingFill(tx, resting, path, rates.feeRate, [{ time: now, ticks: 1 }]);
}

/** Cancels an open order and releases its locked funds; a repeat returns the cancelled order. */
export async function cancelInTransaction(
  tx: Tx,
  exchangeOrderId: string,
  pathFor: (symbol: string) => PricePath,
  now: number,
): Promise<PaperOrderRow> {
  const current = await selectOrder(tx, exchangeOrderId);
  if (!current) throw new UnknownOrderError(`order ${exchangeOrderId} not found`);
  if (current.status === "CANCELLED") return current;
  if (!isOpenStatus(current.status)) {
    throw new InvalidOrderError(`order ${exchangeOrderId} is ${current.status} and cannot be cancelled`);
  }
  // An unarmed trigger order reserved nothing.
  if (current.trigger_price === null || current.triggered_ms !== null) {
    const [asset, amount] = reservation(current, pathFor(current.symbol));
    await adjustBalance(tx, asset, { free: amount.toFixed(), locked: amount.neg().toFixed() }, now);
  }
  return updateStatus(tx, current.seq, "CANCELLED", now);
}

async function requireFree(tx: Tx, asset: string, amount: Big): Promise<void> {
  const free = await selectFree(tx, asset);
  if (new Big(free).lt(amount)) {
    throw new InsufficientFundsError(
      `insufficient ${asset}: need ${formatDecimal(amount)}, free ${formatDecimal(free)}`,
    );
  }
}
