/**
 * Protection vocabulary and pure rules: which take-profit and stop-loss an entry gets, the client order ids
 * derived from the entry, and what an OCO pair's states mean. No I/O.
 */
import type { ExitReason } from "./positions";

export const EXIT_REASONS = [
  "take_profit",
  "stop_loss",
  "force_exit",
  "signal",
  "manual",
] as const satisfies readonly ExitReason[];

export const PROTECTION_KINDS = ["take_profit", "stop_loss"] as const;
export type ProtectionKind = (typeof PROTECTION_KINDS)[number];

/**
 * placing: recorded before the exchange call (the order may or may not exist); open: working on the exchange;
 * filled / cancelled: final; vanished: cancelled or expired outside ATP (a later generation replaces it);
 * race: it filled although its sibling had filled too (reported, never hidden).
 */
export const PROTECTION_STATES = ["placing", "open", "filled", "cancelled", "vanished", "race"] as const;
export type ProtectionState = (typeof PROTECTION_STATES)[number];
