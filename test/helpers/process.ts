import type { Subprocess } from "bun";
import { freePort } from "./ports";

/** An ATP process started by a test, with its collected output. */
export interface AppProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  baseUrl: string;
  output(): string;
  /** Sends a signal and resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts `bun src/main.ts` with the given environment (no services unless set) on a free port. */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      SERVICES: "",
      LOG_FORMAT: "json",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk);
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  return {
    proc,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => text,
    stop: async (signal = "SIGTERM") => {
      proc.kill(signal);
      return await proc.exited;
    },
  };
}

/** Polls `url` until it answers `status`; returns the elapsed milliseconds. */
export async function waitForStatus(url: string, status = 200, timeoutMs = 20_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === status) return performance.now() - start;
    } catch {
      // not listening yet
    }
    await Bun.sleep(25);
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
}
