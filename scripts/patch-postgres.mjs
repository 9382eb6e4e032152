// Patches postgres.js for porsager/postgres#1208 (no fixed release as of 3.4.9). When a connection's backend dies
// (terminated, or the database restarted):
// - a query still sent on it (a reserved connection, or a transaction's rollback) schedules a write that throws
//   `TypeError: null is not an object (evaluating 'socket.write')` from a setImmediate callback: an uncaught
//   exception that kills the thread, while the query never settles. Patched: the query fails with
//   CONNECTION_CLOSED, the error callers already handle.
// - releasing such a reserved connection put the dead connection back among the open ones, where every later
//   query failed. Patched: a connection the pool already closed is left to the pool, which reconnects it.
// Runs as this package's postinstall (npm and bun alike); idempotent; fails the install if 3.4.9 cannot be patched.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARKER = "atp: porsager/postgres#1208";
const PATCHES = [
  {
    file: "connection.js",
    original: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    patched:
      "  function nextWrite(fn) {\n" +
      `    if (!socket) { // ${MARKER}\n` +
      "      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n" +
      "      chunk = nextWriteTimer = null\n" +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      "      return false\n" +
      "    }\n" +
      "    const x = socket.write(chunk, fn)\n",
  },
  {
    file: "index.js",
    original: "    sql.release = () => {\n      c.reserved = null\n      onopen(c)\n    }\n",
    patched:
      "    sql.release = () => {\n" +
      `      if (c.queue !== reserved && c.queue !== full) return // ${MARKER}\n` +
      "      c.reserved = null\n" +
      "      onopen(c)\n" +
      "    }\n",
  },
];

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");
if (!existsSync(join(root, "package.json"))) process.exit(0); // not installed: nothing to patch
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const problems = [];
let patched = 0;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  for (const { file, original, patched: replacement } of PATCHES) {
    const path = join(root, dir, file);
    if (!existsSync(path)) continue;
    const source = readFileSync(path, "utf8");
    if (source.includes(replacement)) continue;
    if (!source.includes(original)) {
      problems.push(`${dir}/${file} does not look as expected`);
      continue;
    }
    writeFileSync(path, source.replace(original, replacement));
    patched++;
  }
}
if (problems.length > 0) {
  const message = `postgres ${version}: cannot apply the #1208 patch (${problems.join("; ")})`;
  // 3.4.9 is the version the patch is written for; a later one may have fixed or moved the code: check it.
  if (version === "3.4.9") {
    console.error(message);
    process.exit(1);
  }
  console.warn(`${message}; check whether this version fixed the issue`);
}
if (patched > 0) console.log(`postgres ${version}: patched ${patched} files (porsager/postgres#1208)`);
