import { z } from "zod";

/** Every background service ATP knows, in start order. */
export const SERVICE_NAMES = ["exchange_sync", "signal_monitor", "trading_scheduler"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const bool = z
  .enum(["true", "false", "1", "0", "on", "off", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "on" || v === "yes");

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const services = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SERVICE_NAMES)))
  .transform((names) => [...new Set(names)]);

// RFC 6750's b64token, the only form an `Authorization: Bearer` header can carry: any other token could never
// authenticate.
const bearerToken = z
  .string()
  .min(16, "must be at least 16 characters")
  .regex(/^[A-Za-z0-9._~+/-]+=*$/, "must be usable as a Bearer token: letters, digits, - . _ ~ + / and trailing =");

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal number");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: int(0, 65535).default(8002),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATA_DIR: z.string().min(1).default("./.data"),
    EMBEDDED_PG_PORT: int(1, 65535).default(54329),
    DB_POOL_MAX: int(1, 100).default(10),
    WORKER_DB_POOL_MAX: int(1, 20).default(3),
    /** CPU niceness of the service worker threads: background work yields the cores to the HTTP thread. */
    WORKER_NICE: int(0, 19).default(10),
    DB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(5000),
    DB_CONNECT_TIMEOUT_S: int(1, 120).default(10),
    HEALTH_DB_TIMEOUT_MS: int(50, 10_000).default(1000),
    REQUEST_TIMEOUT_MS: int(100, 600_000).default(15_000),
    BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024).default(64 * 1024),
    SHUTDOWN_TIMEOUT_MS: int(100, 60_000).default(10_000),
    SLOW_REQUEST_MS: int(1, 600_000).default(1000),
    SERVICES: services.default([...SERVICE_NAMES]),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
    API_TOKEN: bearerToken.optional(),
    READ_TOKEN: bearerToken.optional(),
    /** Failed authentications one client address may make per window before it gets 429 (Retry-After). */
    AUTH_FAILURE_LIMIT: int(1, 100_000).default(10),
    AUTH_FAILURE_WINDOW_MS: int(1000, 86_400_000).default(60_000),
    /** `/metrics` needs READ_TOKEN (or API_TOKEN) when READ_TOKEN is set, unless this makes it public. */
    METRICS_PUBLIC: bool.default(false),
    /** Browser origins allowed to call the API (CORS); empty = no cross-origin access. */
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .url({ protocol: /^https?$/ })
            .refine((o) => new URL(o).origin === o, "must be a bare origin like https://console.example.com"),
        ),
      ),
    ENABLE_TEST_ENDPOINTS: bool.default(false),
    /** Where the replaced frontend's API is served (README "Using the existing frontend"); empty disables it. */
    LEGACY_API_PREFIX: z
      .string()
      .regex(/^$|^(\/[A-Za-z0-9._~-]+)+$/, "must be empty or a path like /legacy/api (no trailing slash)")
      .refine((p) => p === "" || !/^\/(api|metrics)(\/|$)/.test(p), "must not be under /api or /metrics")
      .default("/legacy/api"),
    EXCHANGE: z.enum(["paper", "ccxt"]).default("paper"),
    EXCHANGE_ID: z.string().min(1).default("cryptocom"),
    EXCHANGE_API_KEY: z.string().min(1).optional(),
    EXCHANGE_API_SECRET: z.string().min(1).optional(),
    EXCHANGE_TIMEOUT_MS: int(100, 120_000).default(10_000),
    /** Attempts per exchange call (1 = no retry); only temporary and rate-limit errors are retried. */
    EXCHANGE_RETRY_ATTEMPTS: int(1, 10).default(4),
    EXCHANGE_RETRY_BASE_MS: int(1, 60_000).default(250),
    EXCHANGE_RETRY_MAX_MS: int(1, 600_000).default(5000),
    /** Overrides the live exchange's API base URL (e.g. a local fake server in tests). */
    EXCHANGE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** ccxt's own request throttling (enableRateLimit). */
    EXCHANGE_RATE_LIMIT: bool.default(true),
    PAPER_SEED: z.string().min(1).default("atp"),
    PAPER_HISTORY_ORDERS: int(0, 10_000_000).default(0),
    PAPER_START_BALANCES: z
      .string()
      .default("USDT:10000,BTC:0.5,ETH:5")
      .transform((v) => v.split(",").map((pair) => pair.trim().split(":")))
      .pipe(z.array(z.tuple([z.string().regex(/^[A-Z0-9]{2,12}$/), decimalString])))
      .transform((pairs) => Object.fromEntries(pairs) as Record<string, string>),
    PAPER_FEE_RATE: decimalString.default("0.001"),
    PAPER_SLIPPAGE_RATE: decimalString.default("0.0005"),
    EXCHANGE_SYNC_START_DELAY_MS: int(0, 3_600_000).default(15_000),
    EXCHANGE_SYNC_INTERVAL_MS: int(100, 3_600_000).default(5000),
    EXCHANGE_SYNC_PAGE_SIZE: int(1, 1000).default(50),
    SIGNAL_MONITOR_INTERVAL_MS: int(100, 3_600_000).default(30_000),
    SIGNAL_MONITOR_CONCURRENCY: int(1, 64).default(8),
    WATCHLIST_MAX_ITEMS: int(1, 10_000).default(200),
    TRADING_SCHEDULER_INTERVAL_MS: int(100, 3_600_000).default(2000),
    DASHBOARD_CACHE: z.enum(["on", "off"]).default("on"),
    DASHBOARD_STALE_MS: int(0, 600_000).default(2000),
    /** Time budget of one dashboard part (and of the one statement that builds them all). */
    DASHBOARD_PART_TIMEOUT_MS: int(10, 60_000).default(1000),
    /** Rebuild the cached dashboard at least this often, for what no notification announces (services' states). */
    DASHBOARD_MAX_AGE_MS: int(100, 3_600_000).default(5000),
    DASHBOARD_MIN_REBUILD_MS: int(0, 60_000).default(250),
    DASHBOARD_STREAM_HEARTBEAT_MS: int(100, 600_000).default(15_000),
    /** Dashboard streams open at once; one more is answered 503 with Retry-After. */
    DASHBOARD_STREAM_MAX: int(1, 100_000).default(2000),
    MAX_OPEN_POSITIONS: int(1, 1000).default(5),
    SIGNAL_TIMEFRAME: z.enum(["1m", "5m", "15m", "1h", "4h", "1d"]).default("1h"),
    SIGNAL_CANDLE_LIMIT: int(60, 1000).default(250),
    SIGNAL_COOLDOWN_S: int(0, 604_800).default(300),
    SIGNAL_MAX_AGE_S: int(10, 86_400).default(900),
    MARKET_CANDLE_CACHE_MS: int(0, 3_600_000).default(10_000),
    MARKET_INSTRUMENTS_REFRESH_MS: int(1000, 86_400_000).default(3_600_000),
    WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
    TELEGRAM_CHAT_ID: z.string().min(1).optional(),
    TELEGRAM_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
    NOTIFY_TIMEOUT_MS: int(100, 60_000).default(5000),
    DAILY_SUMMARY_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a local time HH:MM")
      .default("08:00"),
    DAILY_SUMMARY_TZ: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Paris").default("UTC"),
  })
  .superRefine((c, ctx) => {
    if (Boolean(c.TELEGRAM_BOT_TOKEN) !== Boolean(c.TELEGRAM_CHAT_ID)) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_BOT_TOKEN"],
        message: "Telegram notifications need both TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID",
      });
    }
    if (c.EXCHANGE === "ccxt" && (!c.EXCHANGE_API_KEY || !c.EXCHANGE_API_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: ["EXCHANGE_API_KEY"],
        message: "EXCHANGE=ccxt needs EXCHANGE_API_KEY and EXCHANGE_API_SECRET",
      });
    }
  });

type Parsed = z.infer<typeof schema>;

/** Every environment variable the schema reads: the list `.env.example` documents. */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof Parsed)[];

/** The typed, frozen configuration every module receives. */
export type Config = Readonly<Parsed & { LOG_FORMAT: "json" | "pretty" }>;

/** A configuration that failed validation, with one line per offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const EMPTY_MEANS_NONE = new Set(["SERVICES", "LEGACY_API_PREFIX"]);

/** Parses an environment (default: process.env) into a Config, or throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", except where empty means "none" (SERVICES) or "off" (LEGACY_API_PREFIX).
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== "" || EMPTY_MEANS_NONE.has(key)),
  );
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.length > 0 ? String(issue.path[0]) : "(environment)";
        const value = env[name];
        const shown = value === undefined ? "" : ` (got ${JSON.stringify(redact(name, value))})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const parsed = result.data;
  const logFormat =
    parsed.LOG_FORMAT ?? (parsed.NODE_ENV === "development" && process.stdout.isTTY ? "pretty" : "json");
  return Object.freeze({ ...parsed, LOG_FORMAT: logFormat });
}

/**
 * The environment record a worker parses with this same loadConfig: the variables the schema reads (nothing else
 * crosses), with the log format the main thread already decided (a worker has no terminal to look at).
 */
export function workerEnvironment(
  config: Config,
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const picked = CONFIG_VARIABLES.flatMap((name) => {
    const value = env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return { ...Object.fromEntries(picked), LOG_FORMAT: config.LOG_FORMAT };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function redact(name: string, value: string): string {
  return /TOKEN|SECRET|KEY|PASSWORD|DATABASE_URL/.test(name) ? "***" : value;
}
