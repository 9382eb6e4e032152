import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { type StaticAsset, staticAsset } from "./static-assets";

/** The console's files by URL path (`/`, `/assets/main-<hash>.js`, …) and the docs page's. */
export type AssetMap = ReadonlyMap<string, StaticAsset>;

const ROOT = resolve(import.meta.dir, "../..");
const WEB = join(ROOT, "web");
const SWAGGER_UI = join(ROOT, "node_modules", "swagger-ui-dist");

const typeOf = (path: string) =>
  path.endsWith(".js")
    ? "application/javascript; charset=utf-8"
    : path.endsWith(".css")
      ? "text/css; charset=utf-8"
      : path.endsWith(".png")
        ? "image/png"
        : "application/octet-stream";

/**
 * Bundles `web/` with Bun (TypeScript and CSS, minified, names carrying a content hash so a new build is never
 * served from an old cache) and fills `web/index.html` with the hashed names. Runs once, at the first request.
 */
async function bundleConsole(): Promise<AssetMap> {
  const build = await Bun.build({
    entrypoints: [join(WEB, "main.ts")],
    target: "browser",
    minify: true,
    naming: { entry: "[name]-[hash].[ext]", asset: "[name]-[hash].[ext]", chunk: "[name]-[hash].[ext]" },
  });
  if (!build.success) throw new AggregateError(build.logs, "the console's bundle failed to build");
  const assets = new Map<string, StaticAsset>();
  const tags: string[] = [];
  for (const output of build.outputs) {
    const name = basename(output.path);
    // The style is small: inlined, it costs the first paint no extra request.
    if (name.endsWith(".css")) tags.unshift(`<style>${await output.text()}</style>`);
    else
      assets.set(`/assets/${name}`, await staticAsset(new Uint8Array(await output.arrayBuffer()), typeOf(name), true));
    if (name.endsWith(".js") && output.kind === "entry-point") {
      tags.push(`<script type="module" src="/assets/${name}"></script>`);
    }
  }
  const page = (await readFile(join(WEB, "index.html"), "utf8")).replace("<!-- assets -->", tags.join("\n    "));
  assets.set("/", await staticAsset(page, "text/html; charset=utf-8", false));
  return assets;
}

/** The API reference: Swagger UI from the `swagger-ui-dist` package, served from here (no CDN). */
async function collectDocs(): Promise<AssetMap> {
  const assets = new Map<string, StaticAsset>();
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    const bytes = new Uint8Array(await readFile(join(SWAGGER_UI, file)));
    // Unhashed names: revalidated by ETag, so an upgraded package is picked up.
    assets.set(`/docs/assets/${file}`, await staticAsset(bytes, typeOf(file), false));
  }
  const init = await readFile(join(WEB, "docs.js"), "utf8");
  assets.set("/docs/assets/init.js", await staticAsset(init, typeOf("init.js"), false));
  assets.set(
    "/docs",
    await staticAsset(await readFile(join(WEB, "docs.html"), "utf8"), "text/html; charset=utf-8", false),
  );
  return assets;
}

/** Runs `build` once and keeps its result; a failure is retried on the next call. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The console's files, bundled at the first call (main.ts calls it right after listening). */
export const consoleAssets = once(bundleConsole);
/** The API reference page's files. */
export const docsAssets = once(collectDocs);
