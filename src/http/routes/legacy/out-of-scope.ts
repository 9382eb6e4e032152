import { NotFound } from "../../../domain/errors";
import { createRouter } from "../../context";

/** The replaced frontend's features ATP does not have, each with the reason its routes answer 404. */
const OUT_OF_SCOPE: readonly (readonly [path: string, reason: string])[] = [
  ["/manual-trade", "margin trading is out of scope: ATP trades spot only (use POST /orders/quick)"],
  ["/margin/*", "margin trading is out of scope: ATP trades spot only"],
  ["/import/*", "CSV import is out of scope: ATP mirrors the exchange's own order history"],
  [
    "/monitoring/workflows",
    "workflows are out of scope: ATP's background services are listed by GET /monitoring/summary",
  ],
  [
    "/monitoring/workflows/*",
    "workflows are out of scope: ATP's background services are listed by GET /monitoring/summary",
  ],
  ["/ai/*", "the AI routes are out of scope"],
  ["/agent/*", "the AI agent routes are out of scope"],
];

/** Every out-of-scope path, any method: 404 with a `detail` saying why. */
export function legacyOutOfScopeRoutes() {
  const router = createRouter();
  for (const [path, reason] of OUT_OF_SCOPE) {
    router.all(path, () => {
      throw new NotFound(reason);
    });
  }
  return router;
}
