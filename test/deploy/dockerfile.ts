import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One step of a build stage, in Dockerfile order. */
export type BuildStep =
  | { kind: "copy"; fromStage?: string; sources: string[]; dest: string }
  | { kind: "run"; command: string };

/** One `FROM … AS name` stage: its base image, working directory, environment and steps. */
export interface Stage {
  name: string;
  image: string;
  workdir: string;
  env: Record<string, string>;
  steps: BuildStep[];
  user?: string;
  exposed: number[];
  stopSignal?: string;
  healthcheck?: { command: string[]; options: Record<string, string> };
  cmd?: string[];
}

// Everything the project's Dockerfile uses. Anything else is refused, so that the container smoke,
// which replays these stages outside Docker, can never silently skip a step it does not understand.
// The value lists the flags each instruction may carry (COPY --chown or RUN --mount would change what
// the replay must do).
const KNOWN: Record<string, string[]> = {
  FROM: [],
  WORKDIR: [],
  COPY: ["from"],
  RUN: [],
  ENV: [],
  USER: [],
  EXPOSE: [],
  STOPSIGNAL: [],
  HEALTHCHECK: ["interval", "timeout", "start-period", "start-interval", "retries"],
  CMD: [],
};

/** Parses the subset of Dockerfile syntax the project uses into its stages; throws on anything else. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/s.exec(line) ?? [];
    const instruction = keyword.toUpperCase();
    const allowedFlags = KNOWN[instruction];
    if (!allowedFlags) throw new Error(`Dockerfile: unsupported instruction ${keyword}`);
    const { flags, body } = splitFlags(rest);
    const unknownFlag = Object.keys(flags).find((flag) => !allowedFlags.includes(flag));
    if (unknownFlag) throw new Error(`Dockerfile: unsupported flag --${unknownFlag} on ${instruction}`);
    if (instruction === "FROM") {
      const [image = "", as, name] = body.split(/\s+/);
      if (as !== undefined && as.toUpperCase() !== "AS") throw new Error(`Dockerfile: bad FROM ${body}`);
      stages.push({ name: name ?? String(stages.length), image, workdir: "/", env: {}, steps: [], exposed: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${instruction} before FROM`);
    switch (instruction) {
      case "WORKDIR":
        stage.workdir = body.startsWith("/") ? body : join(stage.workdir, body);
        break;
      case "COPY": {
        const paths = execForm(body) ?? body.split(/\s+/);
        const dest = paths.pop();
        if (!dest || paths.length === 0) throw new Error(`Dockerfile: bad COPY ${body}`);
        stage.steps.push({ kind: "copy", fromStage: flags.from, sources: paths, dest });
        break;
      }
      case "RUN":
        if (execForm(body)) throw new Error("Dockerfile: only the shell form of RUN is supported");
        stage.steps.push({ kind: "run", command: body });
        break;
      case "ENV":
        for (const pair of body.split(/\s+/)) {
          const match = /^([A-Za-z_][A-Za-z0-9_]*)=([^"'$\\]*)$/.exec(pair);
          if (!match?.[1]) throw new Error(`Dockerfile: only unquoted ENV KEY=value pairs are supported: ${pair}`);
          stage.env[match[1]] = match[2] ?? "";
        }
        break;
      case "USER":
        stage.user = body;
        break;
      case "EXPOSE":
        stage.exposed.push(...body.split(/\s+/).map((port) => Number.parseInt(port, 10)));
        break;
      case "STOPSIGNAL":
        stage.stopSignal = body;
        break;
      case "HEALTHCHECK": {
        const command = /^CMD\s+(.*)$/s.exec(body)?.[1];
        const exec = command === undefined ? undefined : execForm(command);
        if (!exec) throw new Error("Dockerfile: HEALTHCHECK must be `CMD [exec form]`");
        stage.healthcheck = { command: exec, options: flags };
        break;
      }
      case "CMD":
        stage.cmd = execForm(body);
        if (!stage.cmd) throw new Error("Dockerfile: CMD must use the exec form");
        break;
    }
  }
  return stages;
}

/** Reads and parses the repository's Dockerfile. */
export function readDockerfile(root: string): Stage[] {
  return parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
}

/** The image's own stage: the last one. */
export function runtimeStage(stages: Stage[]): Stage {
  const stage = stages.at(-1);
  if (!stage) throw new Error("Dockerfile: no stage");
  return stage;
}

/** Joins `\`-continued lines and drops comments and blank lines (parser directives are comments too). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (current === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push(current + line);
    current = "";
  }
  if (current !== "") throw new Error("Dockerfile: ends inside a continued line");
  return lines;
}

const FLAG = /^--([a-z-]+)=(\S+)\s+/;

/** Leading `--name=value` flags (COPY --from, HEALTHCHECK --interval …) and the rest. */
function splitFlags(rest: string): { flags: Record<string, string>; body: string } {
  const flags: Record<string, string> = {};
  let body = rest;
  for (let match = FLAG.exec(body); match; match = FLAG.exec(body)) {
    flags[match[1] as string] = match[2] as string;
    body = body.slice(match[0].length);
  }
  return { flags, body: body.trim() };
}

/** The JSON array of an exec-form instruction, or undefined for the shell form. */
function execForm(body: string): string[] | undefined {
  if (!body.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(body);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
    throw new Error(`Dockerfile: exec form must be a JSON array of strings: ${body}`);
  }
  return parsed;
}
