import { DASHBOARD_PARTS } from "../../db/queries/dashboard";
import type { BuiltDashboard } from "./builder";
import type { EncodedBody } from "./encodings";

/** A built dashboard as the cache holds it. */
export interface DashboardSnapshot extends BuiltDashboard {
  /** Cache clock (ms) when its build started. */
  builtAt: number;
  /** Cache clock (ms) when it expires without any change (max age, shorter when partial). */
  expiresAt: number;
  /** Cache clock (ms) of the first change announced after its build started; unset while it is current. */
  staleSince?: number;
  /** The body compressed in each coding, set once made (off the request path, after the build is served). */
  encoded?: readonly EncodedBody[];
  /** On the last complete dashboard, kept (stale) while no part can be read: when that began (ISO). */
  unavailableSince?: string;
}

/**
 * When a build could read no part at all (every one failed: the database is out of reach), the last complete
 * dashboard is answered instead of an empty one, marked with when the failures began; otherwise undefined.
 */
export function keptThroughOutage(
  built: BuiltDashboard,
  lastComplete: DashboardSnapshot | undefined,
  times: { builtAt: number; expiresAt: number },
): DashboardSnapshot | undefined {
  const nothingRead = built.partial && built.errors.length >= (built.queried?.length ?? DASHBOARD_PARTS.length);
  if (!nothingRead || !lastComplete) return undefined;
  return {
    ...lastComplete,
    ...times,
    staleSince: undefined,
    unavailableSince: lastComplete.unavailableSince ?? new Date().toISOString(),
  };
}
