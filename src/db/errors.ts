import { CodedError } from "../domain/errors";

/**
 * What postgres.js (and the socket under it) reports when the server cannot be reached or the connection
 * was lost: a refused or reset socket, a connect timeout, a closed connection, or the server saying it is
 * shutting down, starting up, or full (SQLSTATE class 08, 57P01–57P03, 53300).
 */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** Seconds a client is asked to wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_S = 5;

/** The database could not be reached, or dropped the connection: retry later (503 with Retry-After). */
export class DatabaseUnavailable extends CodedError {
  override name = "DatabaseUnavailable";
  override readonly retryAfterS = DATABASE_RETRY_AFTER_S;
  constructor(cause: unknown) {
    super("database_unavailable", "the database is unavailable; retry shortly", undefined, { cause });
  }
}

/** Whether an error (or one of its causes: a wrapper keeps the driver's as its cause) says the database is out of reach. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
  }
  return false;
}

/** The error as a DatabaseUnavailable when it is a connection failure; otherwise undefined. */
export function asDatabaseUnavailable(error: unknown): DatabaseUnavailable | undefined {
  if (error instanceof DatabaseUnavailable) return error;
  return isDatabaseUnavailable(error) ? new DatabaseUnavailable(error) : undefined;
}
