import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, SERVICE_NAMES, workerEnvironment } from "../src/config";

describe("loadConfig", () => {
  test("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8002);
    expect(config.DATA_DIR).toBe("./.data");
    expect(config.SERVICES).toEqual([...SERVICE_NAMES]);
    expect(config.EXCHANGE).toBe("paper");
    expect(config.EXCHANGE_ID).toBe("cryptocom");
    expect(config.EXCHANGE_SYNC_START_DELAY_MS).toBe(15_000);
    expect(config.EXCHANGE_SYNC_INTERVAL_MS).toBe(5000);
    expect(config.EXCHANGE_SYNC_PAGE_SIZE).toBe(50);
    expect(config.SLOW_REQUEST_MS).toBe(1000);
    expect(config.DASHBOARD_CACHE).toBe("on");
    expect(config.DASHBOARD_STALE_MS).toBe(2000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PAPER_START_BALANCES).toEqual({ USDT: "10000", BTC: "0.5", ETH: "5" });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("coerces numbers and lists", () => {
    const config = loadConfig({ PORT: "9000", SERVICES: "signal_monitor, exchange_sync,signal_monitor" });
    expect(config.PORT).toBe(9000);
    expect(config.SERVICES).toEqual(["signal_monitor", "exchange_sync"]);
  });

  test("an empty SERVICES means none, an empty variable otherwise means unset", () => {
    const config = loadConfig({ SERVICES: "", PORT: "" });
    expect(config.SERVICES).toEqual([]);
    expect(config.PORT).toBe(8002);
  });

  test("reports every bad variable at once, with the reason and without secrets", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "eighty",
        SERVICES: "exchange_sync,teleporter",
        DATABASE_URL: "mysql://user:pw@host/db",
        API_TOKEN: "short",
        DASHBOARD_CACHE: "maybe",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    const names = problems.map((p) => p.split(":")[0]);
    expect(names).toEqual(expect.arrayContaining(["PORT", "SERVICES", "DATABASE_URL", "API_TOKEN", "DASHBOARD_CACHE"]));
    expect(problems.find((p) => p.startsWith("PORT"))).toContain('"eighty"');
    expect(problems.join("\n")).not.toContain("pw@host");
    expect(problems.join("\n")).not.toContain("short");
  });

  test("the live exchange needs its keys", () => {
    expect(() => loadConfig({ EXCHANGE: "ccxt" })).toThrow(/EXCHANGE_API_KEY/);
    expect(loadConfig({ EXCHANGE: "ccxt", EXCHANGE_API_KEY: "k", EXCHANGE_API_SECRET: "s" }).EXCHANGE).toBe("ccxt");
  });
});

describe("bad configuration at start-up", () => {
  test("prints every offending variable and exits 1 without a stack trace", async () => {
    const proc = Bun.spawn([process.execPath, "src/main.ts"], {
      env: { PATH: process.env.PATH ?? "", PORT: "-1", LOG_LEVEL: "loud" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid configuration");
    expect(stderr).toContain("PORT:");
    expect(stderr).toContain("LOG_LEVEL:");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("workerEnvironment", () => {
  test("a worker parsing it with loadConfig gets the main thread's Config; nothing but config variables crosses", () => {
    const env = {
      NODE_ENV: "development",
      SERVICES: "",
      EXCHANGE_SYNC_INTERVAL_MS: "750",
      PAPER_START_BALANCES: "USDT:5,BTC:1",
      HOME: "/root",
      AWS_SECRET_ACCESS_KEY: "not-for-workers",
    };
    const config = loadConfig(env);
    const environment = workerEnvironment(config, env);
    expect(environment.HOME).toBeUndefined();
    expect(environment.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(environment.LOG_FORMAT).toBe(config.LOG_FORMAT);
    expect(loadConfig(environment)).toEqual(config);
  });
});
