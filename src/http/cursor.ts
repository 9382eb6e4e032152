import { z } from "zod";
import { ApiError } from "./errors";

/** A keyset position: the (time, id) of the last row of a page, time as an ISO string with microseconds. */
export interface KeysetPosition {
  time: string;
  id: number;
}

const position = z.tuple([z.iso.datetime({ offset: false, local: false, precision: 6 }), z.number().int().positive()]);

/** The opaque `next_cursor` of a page: base64url of `[time, id]`. */
export function encodeCursor({ time, id }: KeysetPosition): string {
  return Buffer.from(JSON.stringify([time, id])).toString("base64url");
}

/** Reads a `cursor` query parameter back; a 400 when it was not made by encodeCursor. */
export function decodeCursor(cursor: string): KeysetPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const result = position.safeParse(parsed);
  if (!result.success) {
    throw new ApiError("validation_failed", "invalid query", [{ path: "cursor", message: "invalid cursor" }]);
  }
  const [time, id] = result.data;
  return { time, id };
}
