/** The signal vocabulary: which way a signal points and what became of it. */

export const SIGNAL_SIDES = ["BUY", "SELL"] as const;
export const SIGNAL_STATUSES = ["pending", "order_placed", "filled", "closed", "skipped", "failed"] as const;

export type SignalSide = (typeof SIGNAL_SIDES)[number];
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

/** Statuses of a signal whose BUY holds a position (an order placed or filled, not yet closed by a SELL). */
export const POSITION_SIGNAL_STATUSES = ["order_placed", "filled"] as const satisfies readonly SignalStatus[];
