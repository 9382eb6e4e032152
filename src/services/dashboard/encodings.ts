import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

/** Content codings the dashboard is kept in besides identity, in the server's order of preference. */
export const ENCODINGS = ["br", "zstd", "gzip"] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** One compressed copy of a dashboard body, made once per build. */
export interface EncodedBody {
  encoding: Encoding;
  /** The compressed bytes, as a Blob: a Response of a Blob shares its bytes instead of copying them. */
  bytes: Blob;
  size: number;
  /** The identity ETag with the coding appended (`W/"tag-br"`): each representation has its own tag. */
  etag: string;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Levels chosen on a 59 KB dashboard (this machine): brotli 5 gives 6.7× in ~3 ms where 11 gives 8× in
// 100–160 ms; zstd 10 and gzip 6 give 6.6× and 6× in ~1.5 ms. All three run on the thread pool, off the
// event loop, once per build (at most one build per DASHBOARD_MIN_REBUILD_MS under a burst of changes).
const encoders: Record<Encoding, (body: string) => Promise<Uint8Array>> = {
  br: (body) =>
    brotli(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  zstd: (body) => Bun.zstdCompress(body, { level: 10 }),
  gzip: (body) => gzipAsync(body, { level: 6 }),
};

/** Compresses `body` in every coding (in parallel, off the event loop); a coding that fails is left out. */
export async function encodeBody(body: string, etag: string): Promise<EncodedBody[]> {
  const opaque = etag.replace(/^W\//, "").slice(1, -1);
  const weak = etag.startsWith("W/") ? "W/" : "";
  const results = await Promise.allSettled(
    ENCODINGS.map(async (encoding): Promise<EncodedBody> => {
      const bytes = await encoders[encoding](body);
      return { encoding, bytes: new Blob([bytes]), size: bytes.byteLength, etag: `${weak}"${opaque}-${encoding}"` };
    }),
  );
  return results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
}
