import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { Glob } from "bun";

interface Rule {
  glob: Glob;
  exclude: boolean;
}

/**
 * Docker's `.dockerignore` rules: the last pattern that matches a path or one of its parent folders
 * decides, and `!` re-includes. Returns whether a context-relative path stays out of the build context.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules: Rule[] = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exclude = !line.startsWith("!");
      const pattern = posix.normalize((exclude ? line : line.slice(1)).trim()).replace(/^\/+|\/+$/g, "");
      return { glob: new Glob(pattern), exclude };
    });
  return (path) => {
    const parts = posix.normalize(path).split("/");
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let ignored = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.glob.match(prefix))) ignored = rule.exclude;
    }
    return ignored;
  };
}

/** The matcher of the repository's `.dockerignore` (nothing ignored when there is none). */
export function readDockerignore(root: string): (path: string) => boolean {
  const file = join(root, ".dockerignore");
  return dockerignoreMatcher(existsSync(file) ? readFileSync(file, "utf8") : "");
}
