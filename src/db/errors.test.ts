import { describe, expect, test } from "bun:test";
import { asDatabaseUnavailable, DatabaseUnavailable, isDatabaseUnavailable } from "./errors";

const coded = (code: string, cause?: unknown) => Object.assign(new Error(code, { cause }), { code });

describe("isDatabaseUnavailable", () => {
  test("refused, reset, timed-out and closed connections, shutdown and class 08 are the database being away", () => {
    for (const code of [
      "ECONNREFUSED",
      "ECONNRESET",
      "CONNECT_TIMEOUT",
      "CONNECTION_CLOSED",
      "57P01",
      "57P03",
      "08006",
    ]) {
      expect([code, isDatabaseUnavailable(coded(code))]).toEqual([code, true]);
    }
  });

  test("a wrapped driver error is found through its causes", () => {
    expect(isDatabaseUnavailable(new Error("query failed", { cause: coded("ECONNREFUSED") }))).toBe(true);
  });

  test("the query's own errors are not: a unique violation, a syntax error, a statement timeout", () => {
    for (const code of ["23505", "42601", "57014"]) expect(isDatabaseUnavailable(coded(code))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });

  test("asDatabaseUnavailable codes it as a 503 with Retry-After, keeping the cause", () => {
    const cause = coded("ECONNREFUSED");
    const error = asDatabaseUnavailable(cause);
    expect(error).toBeInstanceOf(DatabaseUnavailable);
    expect(error?.code).toBe("database_unavailable");
    expect(error?.retryAfterS).toBe(5);
    expect(error?.cause).toBe(cause);
    expect(asDatabaseUnavailable(coded("23505"))).toBeUndefined();
  });
});
