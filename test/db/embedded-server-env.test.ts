import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createTestDatabase } from "../helpers/cluster";

describe("the embedded server's environment", async () => {
  const database = await createTestDatabase(1);
  afterAll(() => database.close());
  const [row] = await database.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  // The postmaster's: a backend's environment area is overwritten by its process title.
  const environ = (() => {
    try {
      const postmaster = readFileSync(`/proc/${row?.pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1];
      return readFileSync(`/proc/${postmaster}/environ`, "utf8").split("\0");
    } catch {
      return null;
    }
  })();

  // Only the embedded server is ours to start (TEST_DATABASE_URL's is not), and only a local one shows its /proc.
  test.skipIf(Boolean(process.env.TEST_DATABASE_URL) || environ === null)(
    "its backends keep a heap pad (no page faults per big statement); this process's environment is left as it was",
    () => {
      expect(environ).toContain("MALLOC_TOP_PAD_=4194304");
      expect(process.env.MALLOC_TOP_PAD_).toBeUndefined();
    },
  );
});
