import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The parts of a compose service that the deployment checks read. */
export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | Array<string | { path: string; required?: boolean }>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string; timeout?: string; retries?: number };
  ports?: string[];
  volumes?: string[];
  restart?: string;
  init?: boolean;
  stop_grace_period?: string;
  logging?: { driver: string; options?: Record<string, string> };
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
}

/** A compose file after YAML merge keys and `${VAR:-default}` interpolation. */
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Reads compose.yaml and interpolates it the way `docker compose` would with the given variables. */
export function readCompose(root: string, variables: Record<string, string> = {}): ComposeFile {
  const text = readFileSync(join(root, "compose.yaml"), "utf8");
  return interpolate(parse(text, { merge: true }), variables) as ComposeFile;
}

/** The variables compose.yaml interpolates (`${NAME:-default}`), each with its default. */
export function composeVariables(root: string): Record<string, string | undefined> {
  const text = readFileSync(join(root, "compose.yaml"), "utf8");
  const variables: Record<string, string | undefined> = {};
  for (const [, name, , fallback] of text.matchAll(VARIABLE)) if (name) variables[name] = fallback;
  return variables;
}

/** The services a profile starts: those listing it (this file gives every service a profile). */
export function servicesOf(compose: ComposeFile, profile: string): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.profiles?.includes(profile))
    .map(([name]) => name);
}

/** The env files of a service, as paths. */
export function envFiles(service: ComposeService): string[] {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  return files.map((file) => (typeof file === "string" ? file : file.path));
}

/** A compose duration (`15s`, `1m30s`, `500ms`) in milliseconds. */
export function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== value) throw new Error(`bad duration ${value}`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (units[unit as string] ?? 0), 0);
}

// ${VAR}, ${VAR:-default} (unset or empty), ${VAR-default} (unset); `$$` is a literal `$`.
const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}/g;

function interpolate(value: unknown, variables: Record<string, string>): unknown {
  if (typeof value === "string") {
    return value.replace(VARIABLE, (match, name?: string, colon?: string, fallback?: string) => {
      if (match === "$$") return "$";
      const set = name === undefined ? undefined : variables[name];
      if (set !== undefined && !(colon === ":" && set === "")) return set;
      if (fallback !== undefined) return fallback;
      throw new Error(`compose.yaml: \${${name}} has no value and no default`);
    });
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, variables));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, variables)]));
  }
  return value;
}
