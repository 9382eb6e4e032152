import type { DashboardSnapshot } from "../../../services/dashboard";
import { type AppDeps, createRouter } from "../../context";
import { dashboardResponder } from "../../dashboard-response";
import { type LegacyView, legacyView as view } from "./dashboard-view";

/** The frontend's `/dashboard/snapshot`: the state wrapped with its age (computed per request, the state is not). */
export function snapshotBody(view: LegacyView, atp: DashboardSnapshot, nowMs: number): string {
  const ageS = Math.max(0, Math.round((nowMs - Date.parse(atp.generatedAt)) / 100) / 10);
  const stale = atp.staleSince !== undefined || atp.partial;
  // The state is spliced in as the cached text: no second serialisation of it per request.
  return `{"data":${view.snapshot.body},"last_updated_at":"${atp.generatedAt}","stale_seconds":${ageS},"stale":${stale},"empty":${view.empty}}`;
}

/**
 * `GET /dashboard/state` (ATP's cached dashboard in the frontend's shape, ETag and 304; without READ_TOKEN Bun's
 * router answers it first, src/http/native-routes.ts) and `GET /dashboard/snapshot`.
 */
export function legacyDashboardRoutes({ dashboard, config, now }: Pick<AppDeps, "dashboard" | "config" | "now">) {
  const respond = dashboardResponder();
  // Like ATP's own body, compressed only when the cache keeps snapshots.
  const options = { compress: config.DASHBOARD_CACHE === "on" };
  return createRouter()
    .get("/dashboard/state", async (c) => respond(view(await dashboard.current(), options).snapshot, c.req.raw))
    .get("/dashboard/snapshot", async (c) => {
      const atp = await dashboard.current();
      const legacy = view(atp, options);
      return c.body(snapshotBody(legacy, atp, now().getTime()), 200, { "Content-Type": "application/json" });
    });
}
