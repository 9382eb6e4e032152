import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

// Obsolete everywhere: X-XSS-Protection drives an XSS filter no current browser has (hono sends "0", "off"),
// X-Download-Options is read by Internet Explorer 8 only.
const OBSOLETE = { xXssProtection: false, xDownloadOptions: false } as const;
// Read by browsers on documents only (a page's browsing context, its links and prefetches, Flash/PDF
// policy files): meaningless on a JSON, text or asset answer, which no browser renders as a page.
const DOCUMENT_ONLY = {
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xPermittedCrossDomainPolicies: false,
} as const;

/**
 * The security headers every answer carries (`hono/secure-headers` with the options of `answerSecurity`), for
 * the routes Bun answers without Hono. test/http/native-routes.test.ts keeps the two sets equal.
 */
export const SECURE_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "SAMEORIGIN"],
];

/** On every answer: no sniffing, HTTPS only, no framing by other sites, no cross-origin embedding. */
export const answerSecurity = (): MiddlewareHandler => secureHeaders({ ...OBSOLETE, ...DOCUMENT_ONLY });

/** On HTML documents (the console, `/docs`): the answer's headers and the document-only policies. */
export const documentSecurity = (): MiddlewareHandler => secureHeaders(OBSOLETE);
