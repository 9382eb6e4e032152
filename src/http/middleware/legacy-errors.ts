import type { MiddlewareHandler } from "hono";

interface ErrorEnvelope {
  error?: { message?: unknown; details?: unknown };
}

/** ATP's error envelope as one FastAPI-style sentence: the message, then each field's problem. */
export function detailOf(envelope: ErrorEnvelope): string | undefined {
  const message = envelope.error?.message;
  if (typeof message !== "string") return undefined;
  const details = Array.isArray(envelope.error?.details) ? (envelope.error.details as unknown[]) : [];
  const fields = details.flatMap((d) => {
    const { path, message: problem } = (d ?? {}) as { path?: unknown; message?: unknown };
    return typeof problem === "string" ? [typeof path === "string" ? `${path}: ${problem}` : problem] : [];
  });
  return fields.length > 0 ? `${message}: ${fields.join("; ")}` : message;
}

/**
 * Under `prefix`, every error answer (auth, validation, 404, a service's coded error, a timeout) is rendered as
 * the replaced frontend parses errors, `{"detail": "message"}`, with the same status and headers. ATP's one error
 * handler still renders it first, so there is one rule per error and one translation at the edge. Empty prefix:
 * a pass-through.
 */
export function legacyErrors(prefix: string): MiddlewareHandler {
  if (!prefix) return (_c, next) => next();
  const under = `${prefix}/`;
  return async function legacyErrorsMiddleware(c, next) {
    await next();
    if (c.res.status < 400 || !(c.req.path === prefix || c.req.path.startsWith(under))) return;
    if (!c.res.headers.get("content-type")?.includes("application/json")) return;
    const detail = detailOf((await c.res.clone().json()) as ErrorEnvelope);
    if (detail === undefined) return;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    const status = c.res.status;
    c.res = undefined;
    c.res = new Response(JSON.stringify({ detail }), { status, headers });
  };
}
