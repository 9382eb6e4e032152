import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_VARIABLES, loadConfig } from "../../src/config";
import { type ComposeService, composeVariables, durationMs, envFiles, readCompose, servicesOf } from "./compose-file";
import { readDockerfile, runtimeStage } from "./dockerfile";
import { readDockerignore } from "./dockerignore";

// No Docker engine runs here: these checks read Dockerfile, compose.yaml, .env.example and the README
// and hold them to package.json, package-lock.json and the config schema. CI's container smoke
// (test/deploy/container-smoke.ts) then runs the image's steps for real.

const root = join(import.meta.dir, "../..");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version: string }>;
};
const stages = readDockerfile(root);
const runtime = runtimeStage(stages);
const compose = readCompose(root);
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};
/** Services running the ATP image (the ones compose builds from this repository). */
const appServices = Object.keys(compose.services).filter((name) => service(name).build !== undefined);

// Variables without a default that a container cannot run without: with no DATABASE_URL the app would
// start the embedded PostgreSQL, whose binaries the image leaves out.
const CONTAINER_REQUIRED = ["DATABASE_URL"] as const;

/** `.env.example` as entries: `KEY=value` lines are set, `# KEY=value` lines document a default. */
function readEnvExample(): { key: string; value: string; active: boolean }[] {
  const text = readFileSync(join(root, ".env.example"), "utf8");
  return [...text.matchAll(/^(# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, comment, key, value]) => ({
    key: key as string,
    value: value as string,
    active: comment === undefined,
  }));
}
const envExample = readEnvExample();
const activeExample = Object.fromEntries(envExample.filter((e) => e.active).map((e) => [e.key, e.value]));

describe("Dockerfile", () => {
  test("every stage uses the Bun image of the version package-lock.json installs", () => {
    const bunVersion = lock.packages["node_modules/bun"]?.version;
    expect(bunVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(stages.length).toBeGreaterThan(1);
    for (const stage of stages) expect(stage.image).toMatch(new RegExp(`^oven/bun:${bunVersion}(-[a-z]+)?$`));
  });

  test("dependencies are the production ones, installed from package-lock.json with a frozen lock (and patched)", () => {
    const installs = stages.flatMap((stage) =>
      stage.steps.flatMap((step, i) =>
        step.kind === "run" && step.command.startsWith("bun install") ? [{ stage, i, command: step.command }] : [],
      ),
    );
    expect(installs).toHaveLength(1);
    const [install] = installs;
    if (!install) return;
    expect(install.command).toContain("--frozen-lockfile");
    expect(install.command).toContain("--production");
    const copiedBefore = install.stage.steps
      .slice(0, install.i)
      .flatMap((step) => (step.kind === "copy" ? step.sources : []));
    // The postinstall script (postgres.js's patch) is the one other file the install needs.
    expect(copiedBefore.sort()).toEqual(["package-lock.json", "package.json", "scripts/patch-postgres.mjs"]);
  });

  test("the image holds only the app: production node_modules, package.json, drizzle/, src/ and web/", () => {
    const copies = runtime.steps.filter((step) => step.kind === "copy");
    expect(runtime.steps.every((step) => step.kind === "copy")).toBe(true);
    const fromContext = copies.filter((step) => !step.fromStage).flatMap((step) => step.sources);
    expect(fromContext.sort()).toEqual(["drizzle", "package.json", "src", "web"]);
    const fromStages = copies.filter((step) => step.fromStage);
    expect(fromStages.map((step) => [step.fromStage, step.sources, step.dest])).toEqual([
      [stages[0]?.name, [`${stages[0]?.workdir}/node_modules`], "./node_modules"],
    ]);
  });

  test("starts like `npm start`: same command, same environment, port 8002", () => {
    const words = (packageJson.scripts.start ?? "").split(/\s+/);
    const assignments = words.filter((word) => /^[A-Z_]+=/.test(word));
    const command = words.slice(assignments.length);
    expect(runtime.cmd).toEqual(command);
    for (const assignment of assignments) {
      const [key = "", value] = assignment.split("=");
      expect(runtime.env[key]).toBe(value);
    }
    expect(runtime.env.PORT).toBe("8002");
    expect(runtime.env.HOST).toBe("0.0.0.0");
    expect(runtime.exposed).toEqual([8002]);
  });

  test("runs as a non-root user, stops on SIGTERM and probes /ping_fast without curl", () => {
    expect(runtime.user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(runtime.user);
    expect(runtime.stopSignal).toBe("SIGTERM");
    const probe = runtime.healthcheck?.command ?? [];
    expect(probe[0]).toBe("bun");
    expect(probe.join(" ")).toContain("/ping_fast");
    const options = runtime.healthcheck?.options ?? {};
    expect(durationMs(options.timeout ?? "30s")).toBeLessThan(durationMs(options.interval ?? "30s"));
  });

  test(".dockerignore lets in exactly what the Dockerfile copies, without tests or secrets", () => {
    const ignored = readDockerignore(root);
    const copied = stages.flatMap((stage) =>
      stage.steps.flatMap((step) => (step.kind === "copy" && !step.fromStage ? step.sources : [])),
    );
    const tracked = Bun.spawnSync(["git", "ls-files"], { cwd: root }).stdout.toString().split("\n").filter(Boolean);
    const inContext = tracked.filter((file) => !ignored(file));
    for (const file of inContext) {
      expect(copied.some((source) => file === source || file.startsWith(`${source}/`))).toBe(true);
    }
    expect(inContext).toContain("src/main.ts");
    expect(inContext).toContain("drizzle/meta/_journal.json");
    for (const path of [".env", ".data/postgres/PG_VERSION", "node_modules/hono/package.json", "test/setup.ts"]) {
      expect(ignored(path)).toBe(true);
    }
    expect(ignored("src/http/middleware/timing.test.ts")).toBe(true);
  });
});

describe("compose.yaml", () => {
  test("profile local runs PostgreSQL, a one-shot migration and the API; profile aws only the app", () => {
    expect(servicesOf(compose, "local").sort()).toEqual(["api", "db", "migrate"]);
    expect(servicesOf(compose, "aws").sort()).toEqual(["api-aws", "migrate-aws"]);
    for (const [name, definition] of Object.entries(compose.services)) {
      expect(definition.profiles?.length, name).toBe(1);
    }
    expect(appServices.sort()).toEqual(["api", "api-aws", "migrate", "migrate-aws"]);
  });

  test("the local database: pinned major version, named volume, pg_isready healthcheck", () => {
    const db = service("db");
    expect(db.image).toMatch(/^postgres:\d+-alpine$/);
    expect(db.volumes).toEqual(["pgdata:/var/lib/postgresql/data"]);
    expect(Object.keys(compose.volumes ?? {})).toContain("pgdata");
    expect(db.healthcheck?.test?.slice(0, 2)).toEqual(["CMD", "pg_isready"]);
  });

  test("the migrations run once, with `bun run db:migrate`, before the API; the API waits for a healthy database", () => {
    for (const name of ["migrate", "migrate-aws"]) {
      const migrate = service(name);
      expect(migrate.command).toEqual(["bun", "run", "db:migrate"]);
      expect(migrate.restart).toBe("no");
      expect(migrate.healthcheck?.disable).toBe(true);
    }
    expect(packageJson.scripts["db:migrate"]).toBeDefined();
    expect(service("migrate").depends_on).toEqual({ db: { condition: "service_healthy" } });
    expect(service("api").depends_on).toEqual({
      db: { condition: "service_healthy" },
      migrate: { condition: "service_completed_successfully" },
    });
    expect(service("api-aws").depends_on).toEqual({ "migrate-aws": { condition: "service_completed_successfully" } });
  });

  test("both APIs publish port 8002 and keep the image's /ping_fast healthcheck", () => {
    for (const name of ["api", "api-aws"]) {
      const ports = service(name).ports ?? [];
      expect(ports).toHaveLength(1);
      expect(ports[0]).toMatch(/(^|:)8002:8002$/);
      expect(service(name).healthcheck).toBeUndefined();
    }
  });

  test("every app container runs the one image, with init and a stop grace period above the shutdown bound", () => {
    const shutdownMs = loadConfig(runtime.env).SHUTDOWN_TIMEOUT_MS;
    for (const name of appServices) {
      const app = service(name);
      expect(app.image).toBe("atp:latest");
      expect(app.build).toBe(".");
      expect(app.init).toBe(true);
      expect(durationMs(app.stop_grace_period ?? "10s")).toBeGreaterThan(shutdownMs);
    }
  });

  test("aws: restart policy, CPU and memory limits, settings and secrets from .env", () => {
    const api = service("api-aws");
    expect(["always", "unless-stopped"]).toContain(api.restart ?? "");
    expect(Number(api.deploy?.resources?.limits?.cpus)).toBeGreaterThan(0);
    expect(api.deploy?.resources?.limits?.memory).toMatch(/^\d+[MG]$/);
    expect(envFiles(api)).toEqual([".env"]);
    expect(envFiles(service("migrate-aws"))).toEqual([".env"]);
  });

  test("every container rotates its logs", () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      expect(definition.logging?.driver, name).toBe("json-file");
      expect(definition.logging?.options?.["max-size"], name).toMatch(/^\d+[km]$/);
      expect(Number(definition.logging?.options?.["max-file"]), name).toBeGreaterThan(1);
    }
  });

  test("every app container gets the variables it needs, and they parse", () => {
    for (const name of appServices) {
      const app = service(name);
      const fromEnvFile = envFiles(app).includes(".env") ? activeExample : {};
      const environment = { ...runtime.env, ...fromEnvFile, ...app.environment };
      for (const key of CONTAINER_REQUIRED) expect(environment[key], `${name} ${key}`).toBeTruthy();
      expect(() => loadConfig(environment)).not.toThrow();
    }
  });

  test("local: the API and the migration reach the db service with its own credentials", () => {
    const db = service("db").environment ?? {};
    for (const name of ["api", "migrate"]) {
      const url = new URL(service(name).environment?.DATABASE_URL ?? "");
      expect(url.hostname).toBe("db");
      expect(url.port).toBe("5432");
      expect(decodeURIComponent(url.username)).toBe(db.POSTGRES_USER ?? "");
      expect(decodeURIComponent(url.password)).toBe(db.POSTGRES_PASSWORD ?? "");
      expect(url.pathname).toBe(`/${db.POSTGRES_DB}`);
    }
  });
});

describe(".env.example", () => {
  const containerDefaults = loadConfig(runtime.env);

  test("lists every variable of the config schema exactly once, and nothing unknown", () => {
    const keys = envExample.map((entry) => entry.key);
    for (const key of CONFIG_VARIABLES)
      expect(
        keys.filter((k) => k === key),
        key,
      ).toHaveLength(1);
    const known = new Set<string>([...CONFIG_VARIABLES, ...Object.keys(composeVariables(root))]);
    expect(keys.filter((key) => !known.has(key))).toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("a commented line shows the default the container really uses", () => {
    for (const { key, value, active } of envExample) {
      if (active || !(CONFIG_VARIABLES as string[]).includes(key)) continue;
      const parsed = loadConfig({ ...runtime.env, [key]: value }) as Record<string, unknown>;
      expect(parsed[key], key).toEqual((containerDefaults as Record<string, unknown>)[key]);
    }
  });

  test("documents each compose variable with compose.yaml's default", () => {
    for (const [name, fallback] of Object.entries(composeVariables(root))) {
      expect(
        envExample.find((entry) => entry.key === name),
        name,
      ).toEqual({ key: name, value: fallback ?? "", active: false });
    }
  });

  test("the lines to fill in give the required variables and a valid configuration", () => {
    for (const key of CONTAINER_REQUIRED) expect(activeExample[key], key).toBeTruthy();
    expect(() => loadConfig({ ...runtime.env, ...activeExample })).not.toThrow();
  });
});

describe("README Deployment section", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Deployment\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? "";
  const commands = section
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("docker compose "));

  test("gives the two start commands", () => {
    expect(commands).toContain("docker compose --profile local up -d");
    expect(commands).toContain("docker compose --profile aws up -d");
  });

  test("names only profiles, services and volumes that compose.yaml defines", () => {
    expect(commands.length).toBeGreaterThan(4);
    for (const line of commands) {
      const { profiles, services } = parseComposeCommand(line);
      for (const profile of profiles) expect(servicesOf(compose, profile).length, line).toBeGreaterThan(0);
      for (const name of services) {
        expect(Object.keys(compose.services), line).toContain(name);
        if (profiles.length > 0)
          expect(
            profiles.some((p) => service(name).profiles?.includes(p)),
            line,
          ).toBe(true);
      }
    }
    const volumeNames = [...section.matchAll(new RegExp(`\\b${compose.name}_([a-z0-9_-]+)`, "g"))];
    expect(volumeNames.length).toBeGreaterThan(0);
    for (const [, volume] of volumeNames) expect(Object.keys(compose.volumes ?? {})).toContain(volume ?? "");
    for (const [image] of section.matchAll(/\bpostgres:[\w.-]+/g)) expect(image).toBe(service("db").image ?? "");
  });
});

// Flags that take a value: `docker compose`'s own (before the subcommand), then its subcommands'.
const GLOBAL_VALUE_FLAGS = new Set(["--profile", "-f", "--file", "-p", "--project-name", "--env-file"]);
const SUBCOMMAND_VALUE_FLAGS = new Set(["-e", "--env", "-u", "--user", "-w", "--workdir", "-t", "--timeout", "--tail"]);
// Subcommands whose first argument is a service and the rest its command.
const COMMAND_SUBCOMMANDS = new Set(["exec", "run"]);

/** The profiles and services a `docker compose …` command line names. */
function parseComposeCommand(line: string): { profiles: string[]; services: string[] } {
  const words = line.split(/\s+/).slice(2);
  const end = words.findIndex((word) => /^[|;&<>]/.test(word));
  const args = end === -1 ? words : words.slice(0, end);
  const profiles: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    const valueFlags = positional.length === 0 ? GLOBAL_VALUE_FLAGS : SUBCOMMAND_VALUE_FLAGS;
    if (valueFlags.has(word)) {
      if (word === "--profile") profiles.push(args[i + 1] ?? "");
      i++;
    } else if (!word.startsWith("-")) {
      positional.push(word);
      if (COMMAND_SUBCOMMANDS.has(positional[0] ?? "") && positional.length === 2) break;
    }
  }
  return { profiles, services: positional.slice(1) };
}
