/**
 * CI's container smoke (`bun test/deploy/container-smoke.ts`). No Docker engine runs here, so this replays
 * the image outside Docker, read from the real files rather than restated: each Dockerfile stage in a
 * clean temporary folder (its COPY steps through .dockerignore, its RUN steps such as the production
 * install from the lockfile), then, as the image's user, compose's `migrate` command and the image's CMD
 * with its ENV against a fresh database (TEST_DATABASE_URL's server, or an embedded one). It waits for
 * `/health` 200, checks `/ping_fast` and the image's HEALTHCHECK command, sends SIGTERM and expects exit 0
 * within compose's stop_grace_period. Prints one result line; exits 1 on any failure.
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import type { Subprocess } from "bun";
import postgres from "postgres";
import { createTestDatabaseUrl, stopCluster } from "../helpers/cluster";
import { freePort } from "../helpers/ports";
import { durationMs, readCompose } from "./compose-file";
import { readDockerfile, runtimeStage, type Stage } from "./dockerfile";
import { readDockerignore } from "./dockerignore";

const root = join(import.meta.dir, "../..");
// Everything, install included, within two minutes.
const BUDGET_MS = 110_000;
const HEALTH_WAIT_MS = 60_000;
const STEP_TIMEOUT_MS = 60_000;
// The oven/bun images create the user `bun` with uid and gid 1000.
const IMAGE_USERS: Record<string, number> = { bun: 1000 };
// Set by the oven/bun base image itself, so not visible in our Dockerfile.
const BASE_IMAGE_ENV = { BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" };
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const deadline = Date.now() + BUDGET_MS;
const remaining = () => Math.max(0, deadline - Date.now());
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

class SmokeFailure extends Error {
  constructor(
    message: string,
    readonly logFile?: string,
  ) {
    super(message);
  }
}

/** Waits for a process to exit, at most `ms`; undefined if it is still running. */
async function exitWithin(proc: Subprocess, ms: number): Promise<number | undefined> {
  let timer: Timer | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  timeoutMs?: number;
  prefix?: string[];
}

/** Starts a command with its output appended to a log file; `bun` and friends resolve on env.PATH. */
function start(cmd: string[], { cwd, env, logFile, prefix = [] }: RunOptions): Subprocess {
  const [program = "", ...args] = cmd;
  const resolved = Bun.which(program, { PATH: env.PATH ?? SYSTEM_PATH, cwd }) ?? program;
  const fd = openSync(logFile, "a");
  try {
    return Bun.spawn([...prefix, resolved, ...args], { cwd, env, stdin: "ignore", stdout: fd, stderr: fd });
  } finally {
    closeSync(fd);
  }
}

/** Runs a command to completion within its time limit; fails unless it exits 0. Returns its duration. */
async function run(label: string, cmd: string[], options: RunOptions): Promise<number> {
  const began = Date.now();
  const proc = start(cmd, options);
  const limit = Math.min(options.timeoutMs ?? STEP_TIMEOUT_MS, remaining());
  const code = await exitWithin(proc, limit);
  if (code === undefined) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw new SmokeFailure(`${label} did not finish within ${seconds(limit)}`, options.logFile);
  }
  if (code !== 0) throw new SmokeFailure(`${label} exited with ${code}`, options.logFile);
  return Date.now() - began;
}

/** Files under a folder, recursively, as paths relative to it. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path, base) : [relative(base, path)];
  });
}

/** Replays every stage's COPY and RUN steps, each stage in its own folder standing for its WORKDIR. */
async function buildStages(stages: Stage[], work: string, logFile: string): Promise<Map<string, string>> {
  const ignored = readDockerignore(root);
  const dirs = new Map<string, string>();
  for (const stage of stages) {
    const dir = join(work, "stages", stage.name);
    mkdirSync(dir, { recursive: true });
    dirs.set(stage.name, dir);
    const inStage = (path: string) => {
      if (!path.startsWith("/")) return join(dir, path);
      if (path !== stage.workdir && !path.startsWith(`${stage.workdir}/`)) {
        throw new SmokeFailure(`COPY destination ${path} is outside the WORKDIR ${stage.workdir}`);
      }
      return join(dir, relative(stage.workdir, path));
    };
    for (const step of stage.steps) {
      if (step.kind === "run") {
        const env = { PATH: `${join(work, "bin")}:${SYSTEM_PATH}`, HOME: process.env.HOME ?? work, ...stage.env };
        await run(`${stage.name}: RUN ${step.command}`, ["sh", "-c", step.command], { cwd: dir, env, logFile });
        continue;
      }
      const intoFolder = step.dest.endsWith("/") || step.sources.length > 1;
      for (const source of step.sources) {
        const target = inStage(intoFolder ? join(step.dest, basename(source)) : step.dest);
        if (step.fromStage) {
          const from = stages.find((s) => s.name === step.fromStage);
          const fromDir = dirs.get(step.fromStage);
          if (!from || !fromDir || !source.startsWith(`${from.workdir}/`)) {
            throw new SmokeFailure(`COPY --from=${step.fromStage} ${source}: not in that stage's WORKDIR`);
          }
          cpSync(join(fromDir, relative(from.workdir, source)), target, { recursive: true, verbatimSymlinks: true });
          continue;
        }
        const path = join(root, source);
        if (!existsSync(path) || ignored(source)) throw new SmokeFailure(`COPY ${source}: not in the build context`);
        cpSync(path, target, {
          recursive: true,
          verbatimSymlinks: true,
          filter: (file) => statSync(file).isDirectory() || !ignored(relative(root, file)),
        });
      }
    }
  }
  return dirs;
}

/** Checks the installed packages against package-lock.json: same versions, no dev-only package. */
function checkInstall(appDir: string): number {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; dev?: boolean }>;
  };
  let installed = 0;
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/")) continue;
    const manifest = join(appDir, key, "package.json");
    if (!existsSync(manifest)) continue;
    installed++;
    if (entry.dev) throw new SmokeFailure(`the image would ship the dev-only package ${key}`);
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
    if (version !== entry.version) {
      throw new SmokeFailure(`${key} installed at ${version}, package-lock.json says ${entry.version}`);
    }
  }
  return installed;
}

async function waitForHealth(port: number, app: Subprocess, logFile: string): Promise<void> {
  const limit = Date.now() + Math.min(HEALTH_WAIT_MS, remaining());
  let last = "no answer";
  while (Date.now() < limit) {
    if (app.exitCode !== null) throw new SmokeFailure(`the app exited with ${app.exitCode} before /health`, logFile);
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).catch(
      (error: Error) => error,
    );
    if (response instanceof Response) {
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    }
    await Bun.sleep(100);
  }
  throw new SmokeFailure(`/health did not answer 200 within ${seconds(HEALTH_WAIT_MS)} (last: ${last})`, logFile);
}

async function smoke(work: string): Promise<string> {
  const began = Date.now();
  const stages = readDockerfile(root);
  const runtime = runtimeStage(stages);
  const compose = readCompose(root);
  const migrate = compose.services.migrate;
  const api = compose.services.api;
  if (!migrate?.command || !api) throw new SmokeFailure("compose.yaml has no migrate command or api service");
  if (!runtime.cmd || !runtime.healthcheck) throw new SmokeFailure("the Dockerfile has no CMD or HEALTHCHECK");

  const pinned = /^oven\/bun:(\d+\.\d+\.\d+)/.exec(runtime.image)?.[1];
  if (pinned !== Bun.version) throw new SmokeFailure(`the image pins Bun ${pinned}; this smoke runs ${Bun.version}`);
  mkdirSync(join(work, "bin"));
  symlinkSync(process.execPath, join(work, "bin", "bun"));

  const installLog = join(work, "build.log");
  const buildBegan = Date.now();
  const dirs = await buildStages(stages, work, installLog);
  const buildMs = Date.now() - buildBegan;
  const appDir = dirs.get(runtime.name) as string;
  const packages = checkInstall(appDir);
  const imageBytes = walk(appDir).reduce((sum, file) => sum + statSync(join(appDir, file)).size, 0);

  // As root, run as the image's user: the app must work with root-owned, read-only files.
  const home = join(work, "home");
  mkdirSync(home);
  let prefix: string[] = [];
  let user = "the current user";
  if (process.getuid?.() === 0) {
    const uid = runtime.user === undefined ? undefined : IMAGE_USERS[runtime.user];
    if (uid === undefined) throw new SmokeFailure(`unknown uid for the image user ${runtime.user}`);
    chownSync(home, uid, uid);
    prefix = [Bun.which("setpriv") ?? "setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--"];
    user = `uid ${uid}`;
  }

  const databaseUrl = await createTestDatabaseUrl({ empty: true });
  const port = await freePort();
  // The container's environment: the base image's, the Dockerfile's ENV, then what compose gives the API
  // (DATABASE_URL). Only the listen address changes: a free port on loopback.
  const env: Record<string, string> = {
    PATH: `${join(work, "bin")}:${SYSTEM_PATH}`,
    HOME: home,
    ...BASE_IMAGE_ENV,
    ...runtime.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  const appLog = join(work, "app.log");
  const asImage = { cwd: appDir, env, logFile: appLog, prefix };

  // Twice: an upgrade re-runs the migrate service over an up-to-date database.
  const migrateMs = await run("migrate", migrate.command, asImage);
  await run("migrate (again)", migrate.command, asImage);
  const journal = JSON.parse(readFileSync(join(appDir, "drizzle/meta/_journal.json"), "utf8")) as { entries: [] };
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    if (row?.n !== journal.entries.length) {
      throw new SmokeFailure(`${row?.n} migrations applied, the journal has ${journal.entries.length}`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }

  const startedAt = Date.now();
  const app = start(runtime.cmd, asImage);
  try {
    await waitForHealth(port, app, appLog);
    const readyMs = Date.now() - startedAt;
    const ping = await fetch(`http://127.0.0.1:${port}/ping_fast`);
    const pong = (await ping.json()) as { pong?: boolean };
    if (ping.status !== 200 || pong.pong !== true) throw new SmokeFailure(`/ping_fast answered ${ping.status}`);
    // The console is bundled from web/ inside the image: its page and script must be there.
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    const bundle = script ? await fetch(`http://127.0.0.1:${port}${script}`) : undefined;
    if (bundle?.status !== 200) throw new SmokeFailure(`the console's bundle is not served (${script ?? "no script"})`);
    const probeTimeout = durationMs(runtime.healthcheck.options.timeout ?? "30s");
    await run("HEALTHCHECK", runtime.healthcheck.command, { ...asImage, timeoutMs: probeTimeout });

    const grace = durationMs(api.stop_grace_period ?? "10s");
    const stopBegan = Date.now();
    app.kill((runtime.stopSignal ?? "SIGTERM") as Parameters<Subprocess["kill"]>[0]);
    const code = await exitWithin(app, Math.min(grace, remaining()));
    const stopMs = Date.now() - stopBegan;
    if (code === undefined) throw new SmokeFailure(`still running ${seconds(grace)} after SIGTERM`, appLog);
    if (code !== 0) throw new SmokeFailure(`exited with ${code} after SIGTERM`, appLog);
    const errors = readFileSync(appLog, "utf8")
      .split("\n")
      .filter((line) => line.includes('"level":"error"'));
    if (errors.length > 0) throw new SmokeFailure(`the app logged ${errors.length} error(s)`, appLog);

    return (
      `image ${(imageBytes / 1e6).toFixed(0)} MB with ${packages} packages (build ${seconds(buildMs)}); ` +
      `migrate ${seconds(migrateMs)}; /health 200 ${seconds(readyMs)} after start as ${user}; ` +
      `${runtime.stopSignal} → exit 0 in ${seconds(stopMs)}; total ${seconds(Date.now() - began)}`
    );
  } finally {
    if (app.exitCode === null) {
      app.kill("SIGKILL");
      await app.exited;
    }
  }
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), "atp-smoke-"));
  // Readable by the image's user, like /app in the image.
  chmodSync(work, 0o755);
  try {
    console.log(`container smoke: PASS — ${await smoke(work)}`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof SmokeFailure && error.logFile && existsSync(error.logFile)) {
      console.error(readFileSync(error.logFile, "utf8").split("\n").slice(-40).join("\n"));
    }
    console.log(`container smoke: FAIL — ${message}`);
    return 1;
  } finally {
    await stopCluster().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

process.exit(await main());
