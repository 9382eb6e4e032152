import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Refuses a request body that is not JSON with 415 (the JSON validator would otherwise see an empty object). */
export function requireJson(): MiddlewareHandler {
  return async function requireJsonMiddleware(c, next) {
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ApiError("unsupported_media_type", "the request body must be JSON (Content-Type: application/json)");
    }
    await next();
  };
}
