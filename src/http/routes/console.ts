import packageJson from "../../../package.json";
import { NotFound } from "../../domain/errors";
import { type AssetMap, consoleAssets, docsAssets } from "../console-bundle";
import { createRouter } from "../context";
import { API_OPERATIONS } from "../docs";
import { openApiDocument } from "../openapi";
import { documentSecurity } from "../secure-headers";
import { assetResponse, type StaticAsset, staticAsset } from "../static-assets";

const served = async (assets: () => Promise<AssetMap>, path: string, request: Request) => {
  const asset = (await assets()).get(path);
  if (!asset) throw new NotFound(`no file ${path}`);
  return assetResponse(asset, request);
};

/**
 * The operator's pages: the console on `/` (bundled from `web/` by Bun at the first request, hashed assets under
 * `/assets/`), the API reference on `/docs` (Swagger UI from npm) and the OpenAPI document on `/openapi.json`.
 */
export function consoleRoutes() {
  let document: Promise<StaticAsset> | undefined;
  const openApi = () => {
    document ??= staticAsset(
      JSON.stringify(openApiDocument(API_OPERATIONS, { version: packageJson.version })),
      "application/json",
      false,
    );
    return document;
  };
  return createRouter()
    .get("/", documentSecurity(), (c) => served(consoleAssets, "/", c.req.raw))
    .get("/assets/:file", (c) => served(consoleAssets, `/assets/${c.req.param("file")}`, c.req.raw))
    .get("/docs", documentSecurity(), (c) => served(docsAssets, "/docs", c.req.raw))
    .get("/docs/assets/:file", (c) => served(docsAssets, `/docs/assets/${c.req.param("file")}`, c.req.raw))
    .get("/openapi.json", async (c) => assetResponse(await openApi(), c.req.raw));
}
