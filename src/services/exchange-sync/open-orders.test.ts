import { describe, expect, test } from "bun:test";
import type { StoredOpenOrder } from "../../db/queries/open-order-states";
import type { ExchangeOrder } from "../../domain/orders";
import { mirrorsReport } from "./open-orders";

const report: ExchangeOrder = {
  exchangeOrderId: "paper-7",
  clientOid: "sig-1",
  symbol: "BTC_USDT",
  side: "BUY",
  type: "LIMIT",
  status: "PARTIALLY_FILLED",
  price: "30000",
  quantity: "0.01",
  cumulativeQuantity: "0.004",
  cumulativeValue: "120",
  avgPrice: "30000",
  fee: "0.000004",
  feeCurrency: "BTC",
  createTime: "2026-06-01T00:00:00.000Z",
  updateTime: "2026-06-01T00:05:00.123Z",
};

const stored: StoredOpenOrder = {
  exchange_order_id: "paper-7",
  symbol: "BTC_USDT",
  client_oid: "sig-1",
  status: "PARTIALLY_FILLED",
  price: "30000.00",
  quantity: "0.010",
  cumulative_quantity: "0.004",
  cumulative_value: "120",
  avg_price: "30000",
  fee: "0.000004",
  fee_currency: "BTC",
  update_ms: Date.parse("2026-06-01T00:05:00.123Z"),
};

describe("mirrorsReport", () => {
  test("a stored row holding the report's state (amounts equal as numbers) mirrors it", () => {
    expect(mirrorsReport(stored, report)).toBe(true);
  });

  test("an order the mirror does not hold as open does not", () => {
    expect(mirrorsReport(undefined, report)).toBe(false);
  });

  test("any change of state, amounts or update time does not", () => {
    expect(mirrorsReport(stored, { ...report, status: "FILLED" })).toBe(false);
    expect(mirrorsReport(stored, { ...report, cumulativeQuantity: "0.005" })).toBe(false);
    expect(mirrorsReport(stored, { ...report, fee: "0.000005" })).toBe(false);
    expect(mirrorsReport(stored, { ...report, avgPrice: null })).toBe(false);
    expect(mirrorsReport(stored, { ...report, feeCurrency: null })).toBe(false);
    expect(mirrorsReport(stored, { ...report, updateTime: "2026-06-01T00:05:00.124Z" })).toBe(false);
    // Microseconds the report cannot carry: never taken as the same time.
    expect(mirrorsReport({ ...stored, update_ms: stored.update_ms + 0.5 }, report)).toBe(false);
  });

  test("a client order id the mirror lacks is still to be written; one it has is kept", () => {
    expect(mirrorsReport({ ...stored, client_oid: null }, report)).toBe(false);
    expect(mirrorsReport(stored, { ...report, clientOid: null })).toBe(true);
  });
});
