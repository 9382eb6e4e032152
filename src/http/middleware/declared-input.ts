import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { z } from "zod";
import { ApiError } from "../errors";
import type { OperationDoc } from "../openapi";

interface Declared {
  query: ReadonlySet<string>;
  /** Whether the route takes a body; undefined: not known (the route's own validation decides). */
  body: boolean | undefined;
}
const UNDOCUMENTED: Declared = { query: new Set(), body: undefined };

/** The property names a documented request part may carry (none without a schema). */
function propertyNames(schema: z.ZodType | undefined): Set<string> {
  if (!schema) return new Set();
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: object };
  return new Set(Object.keys(json.properties ?? {}));
}

/**
 * One rule for every documented route, read from its OpenAPI entry: a query parameter the route does not
 * declare, or a body sent to a route that takes none, is a 400 before the handler runs — a request is never
 * half-understood (`DELETE /api/loans/2?unknown=1` is refused, not carried out). The legacy adapter's routes are
 * given from its own input table (src/http/routes/legacy/inputs.ts). A path no route matches passes (it is a 404).
 */
export function declaredInput(
  operations: readonly Pick<OperationDoc, "method" | "path" | "query" | "body">[],
): MiddlewareHandler {
  const declared = new Map<string, Declared>();
  for (const op of operations) {
    declared.set(`${op.method.toUpperCase()} ${op.path}`, {
      query: propertyNames(op.query),
      body: op.body !== undefined,
    });
  }
  return async function declaredInputMiddleware(c, next) {
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    const route = matchedRoutes(c).findLast((r) => r.method === method);
    if (!route) return next();
    // A registered route outside the given ones declares no query parameter.
    const rules = declared.get(`${method} ${route.path}`) ?? UNDOCUMENTED;
    const url = c.req.url;
    const queryAt = url.indexOf("?");
    if (queryAt !== -1) {
      const unknown = [...new Set(new URLSearchParams(url.slice(queryAt + 1)).keys())].filter(
        (name) => !rules.query.has(name),
      );
      if (unknown.length > 0) {
        throw new ApiError(
          "validation_failed",
          "invalid query",
          unknown.map((name) => ({ path: name, message: "unknown query parameter" })),
        );
      }
    }
    if (rules.body === false && method !== "GET" && hasBody(c.req.raw)) {
      throw new ApiError("validation_failed", `${method} ${route?.path} takes no request body`);
    }
    return next();
  };
}

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length !== null) return length !== "0";
  return request.body !== null;
}
