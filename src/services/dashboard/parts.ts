import type { Sql } from "../../db/client";
import { DASHBOARD_PARTS, type DashboardPartName, dashboardQueries, type Fragment } from "../../db/queries/dashboard";
import type { ServiceStatusSource } from "../../domain/service-status";
import { tradingMode } from "../../domain/trading-mode";
import { mergeServices, type ServiceStateRow } from "./services-part";

/** A top-level member of the dashboard body: its key and its value as JSON text. */
export type Member = readonly [key: string, json: string];

/** One part of the dashboard: its SQL columns, how their JSON becomes members, and what stands in when it fails. */
export interface DashboardPart {
  name: DashboardPartName;
  columns: [string, Fragment][];
  render(values: (string | null)[]): Member[];
  fallback(): Member[];
}

const EMPTY_LIST = "[]";

/** The configured exchange as the dashboard's bot_status needs it. */
export interface ExchangeIdentity {
  name: string;
  live: boolean;
}

/** bot_status: the switches as stored, and the mode and account derived by the one trading-mode function. */
function botStatus(json: string | null, exchange: ExchangeIdentity): string {
  const switches = JSON.parse(json ?? "{}") as { live_trading?: boolean; entries_enabled?: boolean };
  const liveTrading = switches.live_trading === true;
  const state = tradingMode({ liveTrading, exchangeLive: exchange.live, exchangeName: exchange.name });
  return JSON.stringify({
    mode: state.mode,
    live_trading: liveTrading,
    account: state.account,
    exchange: exchange.name,
    entries_enabled: switches.entries_enabled !== false,
    note: state.note,
  });
}

/** Every dashboard part in body order, over one postgres.js client. */
export function dashboardParts(
  sql: Sql,
  services: ServiceStatusSource,
  exchange: ExchangeIdentity = { name: "paper", live: false },
): DashboardPart[] {
  const queries = dashboardQueries(sql);
  const part = (name: DashboardPartName, fallbackJson: string): DashboardPart => {
    const columns = Object.entries(queries[name]);
    return {
      name,
      columns,
      render: (values) => columns.map(([key], i) => [key, values[i] ?? "null"] as const),
      fallback: () => columns.map(([key]) => [key, fallbackJson] as const),
    };
  };
  const servicesMembers = (rows: ServiceStateRow[]): Member[] => {
    const merged = mergeServices(rows, services.statuses());
    const exchangeSync = merged.find((s) => s.name === "exchange_sync");
    return [
      ["services", JSON.stringify(merged)],
      ["last_sync", JSON.stringify(exchangeSync?.last_sync ?? null)],
    ];
  };

  return DASHBOARD_PARTS.map((name) => {
    switch (name) {
      case "portfolio":
        return part(name, "null");
      case "bot_status":
        return { ...part(name, "null"), render: ([json]) => [["bot_status", botStatus(json ?? null, exchange)]] };
      case "services":
        return {
          name,
          columns: Object.entries(queries.services),
          render: ([rows]) => servicesMembers(JSON.parse(rows ?? EMPTY_LIST) as ServiceStateRow[]),
          // Without the database, this process's own view of its services is still worth showing.
          fallback: () => servicesMembers([]),
        };
      default:
        return part(name, EMPTY_LIST);
    }
  });
}
