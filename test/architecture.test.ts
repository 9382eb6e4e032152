import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const SRC = normalize(join(import.meta.dir, "../src"));
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^"']*?\sfrom\s+)?["'](\.[^"']+)["']/g;

const MAX_LINES = 300;

/** Every .ts file under dir, tests included. */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The modules under dir, tests left out. */
function sourceFiles(dir: string): string[] {
  return allFiles(dir).filter((path) => !path.endsWith(".test.ts"));
}

/** Each src module (relative to src/) and the src modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const imports: string[] = [];
    for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), spec as string));
      const resolved = [`${target}.ts`, join(target, "index.ts"), target].find((c) => {
        try {
          return statSync(c).isFile();
        } catch {
          return false;
        }
      });
      if (resolved) imports.push(relative(SRC, resolved));
    }
    graph.set(relative(SRC, file), imports);
  }
  return graph;
}

describe("the layers of src/", () => {
  const graph = importGraph();

  test("no import circles", () => {
    const circles: string[][] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        circles.push([...path.slice(path.indexOf(file)), file]);
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  test("db/ imports nothing from exchanges/, and the exchange port nothing from db/", () => {
    const upward = [...graph].flatMap(([file, imports]) =>
      file.startsWith("db/") ? imports.filter((i) => i.startsWith("exchanges/")).map((i) => `${file} → ${i}`) : [],
    );
    expect(upward).toEqual([]);
    expect((graph.get("exchanges/types.ts") ?? []).filter((i) => i.startsWith("db/"))).toEqual([]);
  });

  test("no route handler catches, and only app.ts installs apiAuth", () => {
    const routes = [...graph.keys()].filter((f) => f.startsWith("http/routes/"));
    const catching = routes.filter((f) => /\bcatch\b/.test(readFileSync(join(SRC, f), "utf8")));
    expect(catching).toEqual([]);
    const installs = [...graph.keys()]
      .filter((f) => f !== "http/middleware/auth.ts")
      .flatMap((f) => [...readFileSync(join(SRC, f), "utf8").matchAll(/\bapiAuth\(/g)].map(() => f));
    // Routers never install their own: app.ts guards /api/* once (and /metrics with its own read rule, and the
    // legacy prefix with the one instance that also takes x-api-key).
    expect([...new Set(installs)]).toEqual(["app.ts"]);
    const app = readFileSync(join(SRC, "app.ts"), "utf8");
    const apiGuards = [...app.matchAll(/\.use\(\s*"\/api\/\*",\s*apiAuth\(\{([^}]*)\}/g)];
    expect(apiGuards).toHaveLength(1);
    expect(apiGuards[0]?.[1]).not.toContain("apiKeyHeader");
    const keyed = [...graph.keys()].flatMap((f) =>
      [...readFileSync(join(SRC, f), "utf8").matchAll(/apiKeyHeader: true/g)].map(() => f),
    );
    expect(keyed).toEqual(["app.ts"]);
    expect(app).toMatch(/\.use\(`\$\{legacy\}\/\*`, apiAuth\(\{[^}]*apiKeyHeader: true[^}]*\}\)\)/);
  });

  test("no file in src/ is over 300 lines", () => {
    // Tests beside their module count too: a file that long holds more than one thing; split it by what the parts hold.
    const long = allFiles(SRC)
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
