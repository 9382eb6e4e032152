import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { UnknownSymbolError } from "../domain/symbol";
import type { Logger } from "../lib/logger";

/** A client-facing error with a stable code: `{"error":{"code","message","details"?}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Headers the answer carries, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
  504: "timeout",
};

/** The JSON error body every route answers with. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The app's one error handler: known errors keep their status, anything else is a logged 500. */
export function handleError(log: Logger) {
  return function onError(err: Error, c: Context) {
    if (err instanceof ApiError) {
      return c.json(errorBody(err.code, err.message, err.details), err.status, err.headers);
    }
    if (err instanceof UnknownSymbolError) return c.json(errorBody(err.code, err.message), 400);
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return c.json(errorBody(CODES[status] ?? "error", err.message || "request failed"), status);
    }
    log.error("unhandled error", { path: c.req.path, method: c.req.method, error: err, stack: err.stack });
    return c.json(errorBody("internal", "internal server error"), 500);
  };
}

/** JSON 404 for any unmatched path. */
export function notFound(c: Context) {
  return c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
}
