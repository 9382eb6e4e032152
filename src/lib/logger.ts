/** Severity levels, lowest first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

/** A structured logger writing one line per entry. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  flush(): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: "json" | "pretty";
  /** Where lines go; defaults to a buffered writer on stdout. */
  write?: (line: string) => void;
  flush?: () => void;
  base?: LogFields;
}

const COLORS: Record<LogLevel, string> = { debug: "90", info: "36", warn: "33", error: "31" };

function stdoutSink(): { write: (line: string) => void; flush: () => void } {
  // Bun's FileSink buffers in native memory: a log line costs no syscall on the request path.
  const sink = Bun.stdout.writer({ highWaterMark: 64 * 1024 });
  const timer = setInterval(() => sink.flush(), 100);
  timer.unref();
  return { write: (line) => void sink.write(line), flush: () => void sink.flush() };
}

/** Creates a JSON-lines (or human-readable) logger. */
export function createLogger({ level = "info", format = "json", write, flush, base = {} }: LoggerOptions = {}): Logger {
  const sink = write ? { write, flush: flush ?? (() => {}) } : stdoutSink();
  const threshold = LOG_LEVELS.indexOf(level);

  function make(bound: LogFields): Logger {
    function log(lvl: LogLevel, msg: string, fields?: LogFields): void {
      if (LOG_LEVELS.indexOf(lvl) < threshold) return;
      const entry = { time: new Date().toISOString(), level: lvl, msg, ...bound, ...fields };
      if (format === "json") {
        sink.write(`${JSON.stringify(entry, errorReplacer)}\n`);
        return;
      }
      const { time, level: _l, msg: _m, ...rest } = entry;
      const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest, errorReplacer)}` : "";
      sink.write(`${time.slice(11, 23)} \x1b[${COLORS[lvl]}m${lvl.toUpperCase().padEnd(5)}\x1b[0m ${msg}${extra}\n`);
    }
    return {
      debug: (msg, fields) => log("debug", msg, fields),
      info: (msg, fields) => log("info", msg, fields),
      warn: (msg, fields) => log("warn", msg, fields),
      error: (msg, fields) => log("error", msg, fields),
      child: (fields) => make({ ...bound, ...fields }),
      flush: sink.flush,
    };
  }
  return make(base);
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value.cause ? { cause: String(value.cause) } : {}) };
  }
  return value;
}
