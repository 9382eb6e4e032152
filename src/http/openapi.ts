import { z } from "zod";

type JsonSchema = Record<string, unknown>;

/** Who may call an operation: anyone, a read (READ_TOKEN when set) or a change (API_TOKEN). */
export type Access = "open" | "read" | "write";

/** One response of an operation: a JSON schema from zod, or another media type described in words. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json` when a schema is given. */
  contentType?: string;
}

/**
 * One documented route. `path` is written as Hono registers it (`/api/watchlist/:symbol`); the request parts
 * are the very zod schemas the route validates with, so the document cannot drift from the validation.
 */
export interface OperationDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
}

/** The one error envelope of every route (src/http/errors.ts). */
export const errorEnvelope = z.object({
  error: z.object({
    code: z.string().meta({ description: "stable machine-readable code, e.g. validation_failed" }),
    message: z.string(),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "per-field problems of a failed validation" }),
  }),
});

const toJsonSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    reused: "inline",
  }) as JsonSchema;
  return rest;
};

/** Hono's `/x/:id` (optionally `:id{regex}`) as OpenAPI's `/x/{id}`. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");

function parameters(schema: z.ZodType | undefined, where: "path" | "query" | "header") {
  if (!schema) return [];
  const json = toJsonSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

const ERROR_RESPONSES: Record<number, string> = {
  400: "The request failed validation (details name each field).",
  401: "Missing or invalid bearer token (or stream ticket).",
  403: "The token may not do this (a read token, or no API_TOKEN configured for changes).",
  500: "Unexpected server error.",
};

function operationObject(op: OperationDoc) {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    const contentType = response.contentType ?? "application/json";
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { [contentType]: { schema: toJsonSchema(response.schema, "output") } } } : {}),
    };
  }
  const validated = op.params || op.query || op.headers || op.body;
  const implied = [
    ...(validated ? [400] : []),
    ...(op.access === "open" ? [] : [401]),
    ...(op.access === "write" || op.method === "post" ? [403] : []),
    500,
  ];
  for (const status of implied) {
    responses[status] ??= { $ref: `#/components/responses/Error${status}` };
  }
  return {
    operationId: `${op.method}${openApiPath(op.path)
      .replace(/[{}]/g, "")
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ""))}`,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.access === "open" ? { security: [] } : {}),
    parameters: [
      ...parameters(op.params, "path"),
      ...parameters(op.query, "query"),
      ...parameters(op.headers, "header"),
    ],
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: toJsonSchema(op.body, "input") } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the given operations. */
export function openApiDocument(operations: readonly OperationDoc[], { version }: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[op.method] = operationObject(op);
  }
  const errorSchema = toJsonSchema(errorEnvelope, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "ATP — Automated Trading Platform API",
      version,
      description:
        "Every change (POST/PUT/PATCH/DELETE) needs `Authorization: Bearer <API_TOKEN>`; reads need a token only " +
        "when READ_TOKEN is set. Amounts are decimal strings, times ISO-8601 UTC. Every error has the same envelope. " +
        "The replaced frontend's API (LEGACY_API_PREFIX, default /legacy/api) is an adapter with that frontend's own " +
        "contract and is not described here (README: Using the existing frontend).",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API_TOKEN, or READ_TOKEN for reads" },
      },
      schemas: { Error: errorSchema },
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([status, description]) => [
          `Error${status}`,
          { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        ]),
      ),
    },
  };
}
