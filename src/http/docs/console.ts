import { z } from "zod";
import type { OperationDoc } from "../openapi";

const file = z.object({ file: z.string().meta({ description: "a file name from the page's own links" }) });

/** The console, its assets, the API reference and this document. */
export const consoleOperations: OperationDoc[] = [
  {
    method: "get",
    path: "/",
    tag: "console",
    access: "open",
    summary: "The operator's console (a single page, live over the dashboard stream)",
    responses: { 200: { description: "The page", contentType: "text/html", schema: z.string() } },
  },
  {
    method: "get",
    path: "/assets/:file",
    tag: "console",
    access: "open",
    summary: "The console's bundled script and style (content-hashed names, cached for a year; gzip or brotli)",
    params: file,
    responses: { 200: { description: "The file" }, 404: { description: "No such file" } },
  },
  {
    method: "get",
    path: "/docs",
    tag: "console",
    access: "open",
    summary: "This API reference (Swagger UI, served locally)",
    responses: { 200: { description: "The page", contentType: "text/html", schema: z.string() } },
  },
  {
    method: "get",
    path: "/docs/assets/:file",
    tag: "console",
    access: "open",
    summary: "Swagger UI's script and style",
    params: file,
    responses: { 200: { description: "The file" }, 404: { description: "No such file" } },
  },
  {
    method: "get",
    path: "/openapi.json",
    tag: "console",
    access: "open",
    summary: "This OpenAPI 3.1 document",
    responses: { 200: { description: "The document", schema: z.looseObject({ openapi: z.string() }) } },
  },
];
