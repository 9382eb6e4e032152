import { describe, expect, test } from "bun:test";
import { publicMessage } from "./public-message";

describe("publicMessage", () => {
  test("keeps the message, drops stack lines and install paths", () => {
    const stack = [
      "TypeError: null is not an object (evaluating 'socket.write')",
      "    at nextWrite (/app/node_modules/postgres/src/connection.js:255:15)",
      "    at processImmediate (node:internal/timers:485:21)",
    ].join("\n");
    expect(publicMessage(stack)).toBe("TypeError: null is not an object (evaluating 'socket.write')");
    expect(publicMessage("ENOENT: no such file or directory, open '/home/atp/app/.data/postgres/PG_VERSION'")).toBe(
      "ENOENT: no such file or directory, open '…/PG_VERSION'",
    );
    expect(publicMessage("failed in file:///work/app/src/workers/runtime.ts:12")).toBe("failed in …/runtime.ts:12");
  });

  test("a plain message, an empty one and null pass as they are", () => {
    expect(publicMessage("exchange unavailable: timeout")).toBe("exchange unavailable: timeout");
    expect(publicMessage("")).toBe("");
    expect(publicMessage(null)).toBeNull();
    expect(publicMessage("x".repeat(500))).toHaveLength(300);
  });
});
