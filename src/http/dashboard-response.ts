import type { DashboardSnapshot } from "../services/dashboard";
import type { Encoding } from "../services/dashboard/encodings";

/** Set on a dashboard answered from an older build because the database is out of reach. */
export const STALE_HEADER = "X-Dashboard-Stale";

/** Headers built once that each answer's own values are stamped on just before `new Response` copies them. */
export interface AnswerHeaders {
  headers: Headers;
  /** The timing last stamped on them (hundredths of a millisecond; -1: none): an unchanged value is not set again. */
  timing: number;
}

/** One representation of a dashboard: its body, and the headers it is always sent with, built once. */
interface Representation {
  encoding: Encoding | "identity";
  /** A Blob: a Response of a Blob shares its bytes where a string is encoded again for every answer. */
  body: Blob;
  size: number;
  answer: AnswerHeaders;
  notModified: AnswerHeaders;
}

/** The representations of one snapshot: identity first, then the compressed ones, smallest first. */
interface Prepared {
  identity: Representation;
  compressed: Representation[];
  /** Every representation's ETag: a client holding any of them holds this dashboard. */
  tags: Set<string>;
  /** The snapshot's copies these were built from (they arrive, or are replaced, after the build). */
  encoded: DashboardSnapshot["encoded"];
  /** Accept-Encoding value → the representation it chose. */
  negotiated: Map<string, Representation>;
}

/** Which codings `Accept-Encoding` allows (q > 0); `*` allows every coding it does not name. */
export function acceptedEncodings(header: string | null | undefined): (name: string) => boolean {
  if (!header) return () => false;
  // The usual browser header has no weights ("gzip, deflate, br, zstd"): a plain membership test.
  if (!header.includes(";")) {
    const names = header
      .toLowerCase()
      .split(",")
      .map((s) => s.trim());
    const star = names.includes("*");
    return (name) => star || names.includes(name);
  }
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim());
    const q = params.find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  return (name) => {
    const weight = weights.get(name) ?? weights.get("*");
    return weight !== undefined && weight > 0;
  };
}

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): `*`, or any listed tag among `tags` (compared without `W/`). */
function matchesAny(ifNoneMatch: string, tags: Set<string>): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  for (const tag of ifNoneMatch.split(",")) {
    const t = tag.trim();
    if (tags.has(t) || tags.has(`W/${t}`) || (t.startsWith("W/") && tags.has(t.slice(2)))) return true;
  }
  return false;
}

/**
 * Sets the answer's own headers (request id, timing since `start`) on the representation's headers just
 * before they are copied.
 */
export type Stamp = (target: AnswerHeaders, status: 200 | 304, request: Request, start: number) => void;

// Distinct Accept-Encoding values remembered per snapshot (clients send a handful): the negotiation runs once each.
const NEGOTIATIONS_KEPT = 32;

/**
 * Answers `GET /api/dashboard/state` from a snapshot: content negotiation over the snapshot's compressed
 * copies (the smallest one the client accepts; identity until they are made), `Vary: Accept-Encoding`,
 * an ETag per representation and 304 for a tag the client holds. Each representation's headers are
 * built once per snapshot (with `staticHeaders` appended); `new Response` copies them, so an answer costs
 * one copy. `stamp` sets the caller's per-answer headers on them first (they are overwritten every time).
 */
export function dashboardResponder(staticHeaders: readonly (readonly [string, string])[] = []) {
  const cache = new WeakMap<DashboardSnapshot, Prepared>();

  const represent = (
    encoding: Representation["encoding"],
    body: Blob,
    size: number,
    etag: string,
    unavailableSince: string | undefined,
  ): Representation => {
    const common: [string, string][] = [
      ["Cache-Control", "no-store"],
      ["ETag", etag],
      ["Vary", "Accept-Encoding"],
      ...staticHeaders.map(([k, v]) => [k, v] as [string, string]),
      // The database is away: an older complete build, said so (its body's generated_at tells its age).
      ...(unavailableSince
        ? [[STALE_HEADER, `database unavailable since ${unavailableSince}`] as [string, string]]
        : []),
    ];
    const headers = new Headers([
      ["Content-Type", "application/json"],
      ...(encoding === "identity" ? [] : [["Content-Encoding", encoding] as [string, string]]),
      ...common,
    ]);
    return {
      encoding,
      body,
      size,
      answer: { headers, timing: -1 },
      notModified: { headers: new Headers(common), timing: -1 },
    };
  };

  const prepare = (snapshot: DashboardSnapshot): Prepared => {
    const held = cache.get(snapshot);
    // Rebuilt once when the compressed copies arrive after the snapshot was first served.
    if (held && held.encoded === snapshot.encoded) return held;
    const stale = snapshot.unavailableSince;
    const identity = represent(
      "identity",
      new Blob([snapshot.body]),
      Buffer.byteLength(snapshot.body),
      snapshot.etag,
      stale,
    );
    const compressed = (snapshot.encoded ?? [])
      .map((e) => represent(e.encoding, e.bytes, e.size, e.etag, stale))
      .sort((a, b) => a.size - b.size);
    const tags = new Set([snapshot.etag, ...(snapshot.encoded ?? []).map((e) => e.etag)]);
    const prepared: Prepared = { identity, compressed, tags, encoded: snapshot.encoded, negotiated: new Map() };
    cache.set(snapshot, prepared);
    return prepared;
  };

  const negotiate = (prepared: Prepared, acceptEncoding: string | null): Representation => {
    if (prepared.compressed.length === 0 || !acceptEncoding) return prepared.identity;
    let chosen = prepared.negotiated.get(acceptEncoding);
    if (!chosen) {
      const accepts = acceptedEncodings(acceptEncoding);
      chosen = prepared.compressed.find((r) => accepts(r.encoding)) ?? prepared.identity;
      if (prepared.negotiated.size < NEGOTIATIONS_KEPT) prepared.negotiated.set(acceptEncoding, chosen);
    }
    return chosen;
  };

  return function respond(snapshot: DashboardSnapshot, request: Request, stamp?: Stamp, start = 0): Response {
    const prepared = prepare(snapshot);
    const headers = request.headers;
    const chosen = negotiate(prepared, headers.get("accept-encoding"));
    const ifNoneMatch = headers.get("if-none-match");
    if (ifNoneMatch && matchesAny(ifNoneMatch, prepared.tags)) {
      stamp?.(chosen.notModified, 304, request, start);
      return new Response(null, { status: 304, headers: chosen.notModified.headers });
    }
    stamp?.(chosen.answer, 200, request, start);
    return new Response(chosen.body, { status: 200, headers: chosen.answer.headers });
  };
}
