import type { Config } from "../config";
import type { Sql } from "../db/client";
import { Unavailable } from "../domain/errors";
import { createExchangeClient } from "../exchanges";
import { deferredExchangeClient } from "../exchanges/deferred";
import type { ExchangeClient } from "../exchanges/types";
import type { Logger } from "../lib/logger";

/** The exchange of the account, and the paper exchange orders go to while live trading is off. */
export interface OrderClients {
  exchange: ExchangeClient;
  /** Same object as `exchange` when the configured exchange is paper. */
  paperExchange: ExchangeClient;
}

/**
 * The order clients formed from an exchange and its paper twin, or undefined when none can be formed safely: with
 * a live exchange the paper exchange must be given separately, so orders while live trading is off never reach
 * the account.
 */
export function orderClients(exchange?: ExchangeClient, paperExchange?: ExchangeClient): OrderClients | undefined {
  if (!exchange) return undefined;
  const paper = paperExchange ?? (exchange.live ? undefined : exchange);
  if (!paper) return undefined;
  if (paper.live) throw new Error(`the paper exchange given (${paper.name}) is live`);
  return { exchange, paperExchange: paper };
}

/** The order clients, or Unavailable when this server has no exchange to send orders to. */
export function requireClients(clients: OrderClients | undefined): OrderClients {
  if (!clients) throw new Unavailable("no exchange is configured for this server");
  return clients;
}

interface ClientDeps {
  sql: Sql;
  log: Logger;
}

/** The configured exchange's account name and whether it is live, known from the configuration alone. */
export function exchangeIdentity(config: Pick<Config, "EXCHANGE" | "EXCHANGE_ID">): { name: string; live: boolean } {
  const live = config.EXCHANGE === "ccxt";
  return { name: live ? config.EXCHANGE_ID : "paper", live };
}

/** The paper twin's configuration: the account's, with EXCHANGE=paper. */
const paperConfig = (config: Config): Config => ({ ...config, EXCHANGE: "paper" });

/** The configured exchange and its paper twin (the same client in paper mode), created now (workers). */
export async function createOrderClients(config: Config, deps: ClientDeps): Promise<OrderClients> {
  const exchange = await createExchangeClient(config, deps);
  const paperExchange = exchange.live ? await createExchangeClient(paperConfig(config), deps) : exchange;
  return { exchange, paperExchange };
}

/**
 * The same clients, usable at once and created in the background on first use (the HTTP server is ready before
 * the paper exchange seeds its history or ccxt loads its markets).
 */
export function deferredOrderClients(config: Config, deps: ClientDeps): OrderClients {
  const identity = exchangeIdentity(config);
  const live = identity.live;
  const exchange = deferredExchangeClient(identity, () => createExchangeClient(config, deps));
  const paperExchange = live
    ? deferredExchangeClient({ name: "paper", live: false }, () => createExchangeClient(paperConfig(config), deps))
    : exchange;
  return { exchange, paperExchange };
}

/** Closes both clients (once when they are the same). */
export async function closeOrderClients({ exchange, paperExchange }: OrderClients): Promise<void> {
  await Promise.all([exchange.close(), paperExchange === exchange ? undefined : paperExchange.close()]);
}
