/**
 * An error message fit for a public answer (`/health`, `/metrics`): its first line that is not a stack frame,
 * with file paths cut to their last segment (no install paths), at most 300 characters. Null stays null.
 */
export function publicMessage(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const line = text.split("\n").find((l) => l.trim() !== "" && !/^\s*at\s/.test(l)) ?? "";
  const withoutPaths = line.replace(/(?:file:\/\/)?(?:\/[\w.@+~-]+){2,}\/?/g, (path) => {
    const last = path.split("/").filter(Boolean).at(-1);
    return last ? `…/${last}` : "…";
  });
  return withoutPaths.trim().slice(0, 300);
}
