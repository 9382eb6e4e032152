import { describe, expect, test } from "bun:test";
import { createTestDatabaseUrl } from "../helpers/cluster";
import { json } from "../helpers/json";
import { type AppProcess, startAppProcess, waitForStatus } from "../helpers/process";

type Status = { name: string; state: string };

async function syncState(app: AppProcess): Promise<string | undefined> {
  const body = await json(await fetch(`${app.baseUrl}/api/services/status`));
  return (body.services as Status[]).find((s) => s.name === "exchange_sync")?.state;
}

async function waitForState(app: AppProcess, state: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while ((await syncState(app)) !== state) {
    if (Date.now() - start > timeoutMs) throw new Error(`exchange_sync never became ${state}`);
    await Bun.sleep(100);
  }
}

describe("two app processes on one database", () => {
  test("run one exchange_sync; the standby takes over when the leader dies", async () => {
    const env = {
      DATABASE_URL: await createTestDatabaseUrl(),
      SERVICES: "exchange_sync",
      EXCHANGE_SYNC_START_DELAY_MS: "0",
      EXCHANGE_SYNC_INTERVAL_MS: "200",
      LOG_LEVEL: "warn",
    };
    const first = await startAppProcess(env);
    await waitForStatus(`${first.baseUrl}/health`);
    await waitForState(first, "running");
    const second = await startAppProcess(env);
    try {
      await waitForStatus(`${second.baseUrl}/health`);
      await waitForState(second, "standby");
      expect(await syncState(first)).toBe("running");

      await first.stop("SIGKILL");
      await waitForState(second, "running");
      const health = await json(await fetch(`${second.baseUrl}/health`));
      expect(health.services.find((s: Status) => s.name === "exchange_sync").state).toBe("running");
    } finally {
      if (first.proc.exitCode === null) await first.stop("SIGKILL");
      expect(await second.stop("SIGTERM")).toBe(0);
    }
  }, 60_000);
});
