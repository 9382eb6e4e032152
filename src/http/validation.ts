import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors";

/** Per-field problems of a failed validation, e.g. `[{ "path": "quantity", "message": "…" }]`. */
export function fieldErrors(error: { issues: readonly z.core.$ZodIssue[] }): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/**
 * The first string (or object key) in a request part that is not storable text: a NUL character (PostgreSQL's
 * text cannot hold one) or a lone surrogate (not Unicode; it cannot be encoded as UTF-8).
 */
export function unstorableText(value: unknown, path: string[] = []): { path: string; message: string } | undefined {
  const at = (p: string[]) => p.join(".") || "(root)";
  if (typeof value === "string") {
    if (value.includes("\u0000")) return { path: at(path), message: "must not contain NUL characters" };
    if (!value.isWellFormed()) return { path: at(path), message: "must be valid Unicode (no lone surrogates)" };
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = unstorableText(item, [...path, String(i)]);
      if (bad) return bad;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const bad = unstorableText(key, path) ?? unstorableText(item, [...path, key]);
      if (bad) return bad;
    }
  }
  return undefined;
}

/**
 * zod validation of one request part; failures become a 400 with per-field details. Every route validates
 * through here, so text no column can store is refused the same way everywhere, before the schema.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ApiError("validation_failed", `invalid ${target}`, fieldErrors(result.error));
    }
    const bad = unstorableText(result.data);
    if (bad) throw new ApiError("validation_failed", `invalid ${target}`, [bad]);
  });
}
