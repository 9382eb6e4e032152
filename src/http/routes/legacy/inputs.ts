import type { z } from "zod";
import type { OperationDoc } from "../../openapi";
import { configBody } from "./config";
import { alertRatioQuery, customCoinBody, signalsQuery } from "./market";
import { messagesQuery, throttleQuery } from "./monitoring";
import { historyQuery, quickBody } from "./orders";
import { simulateAlertBody } from "./test-endpoints";
import { balanceQuery, toggleBody } from "./trading";
import { alertBody, bulkBody, buyAlertBody, sellAlertBody } from "./watchlist";
import { legacyItemBody } from "./watchlist-fields";

type Method = OperationDoc["method"];
/** One legacy route's declared input: its query parameters and its body (none when absent). */
type LegacyInput = readonly [method: Method, path: string, input?: { query?: z.ZodType; body?: z.ZodType }];

/**
 * Every legacy route (relative to LEGACY_API_PREFIX) with the input it takes, for the app's declared-input rule (an
 * undeclared query parameter or a body to a route that takes none is a 400 before the handler), as ATP's own routes
 * declare theirs in the OpenAPI registry. test/http/legacy/inputs.test.ts keeps it equal to the registered routes.
 */
export const LEGACY_INPUTS: readonly LegacyInput[] = [
  ["get", "/dashboard/state"],
  ["get", "/dashboard/snapshot"],
  ["get", "/health"],
  ["get", "/monitoring/summary"],
  ["get", "/monitoring/signal-throttle", { query: throttleQuery }],
  ["get", "/monitoring/telegram-messages", { query: messagesQuery }],
  ["get", "/dashboard"],
  ["post", "/dashboard", { body: legacyItemBody }],
  ["post", "/dashboard/bulk-update-alerts", { body: bulkBody }],
  ["get", "/dashboard/symbol/:s"],
  ["put", "/dashboard/symbol/:s", { body: legacyItemBody }],
  ["delete", "/dashboard/symbol/:s"],
  ["put", "/dashboard/:id", { body: legacyItemBody }],
  ["delete", "/dashboard/:id"],
  ["put", "/watchlist/:s/alert", { body: alertBody }],
  ["put", "/watchlist/:s/buy-alert", { body: buyAlertBody }],
  ["put", "/watchlist/:s/sell-alert", { body: sellAlertBody }],
  ["get", "/orders/open"],
  ["get", "/orders/history", { query: historyQuery }],
  ["post", "/orders/quick", { body: quickBody }],
  ["get", "/trading/live-status"],
  ["post", "/trading/live-toggle", { body: toggleBody }],
  ["get", "/loans"],
  ["get", "/account/balance", { query: balanceQuery }],
  ["get", "/instruments"],
  ["get", "/market/top-coins-data"],
  ["post", "/market/top-coins/custom", { body: customCoinBody }],
  ["delete", "/market/top-coins/custom/:s"],
  ["get", "/signals", { query: signalsQuery }],
  ["get", "/alert-ratio", { query: alertRatioQuery }],
  ["get", "/data-sources/status"],
  ["get", "/config"],
  ["put", "/config", { body: configBody }],
  ["post", "/test/simulate-alert", { body: simulateAlertBody }],
  ["get", "/orders/tp-sl-values"],
  ["get", "/dashboard/open-orders-summary"],
  ["get", "/dashboard/expected-take-profit"],
  ["get", "/dashboard/expected-take-profit/:s"],
];

/** The legacy routes' declared inputs under `prefix` (none when the prefix is empty: the adapter is off). */
export function legacyInputs(prefix: string): Pick<OperationDoc, "method" | "path" | "query" | "body">[] {
  if (!prefix) return [];
  return LEGACY_INPUTS.map(([method, path, input]) => ({ method, path: `${prefix}${path}`, ...input }));
}
