import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium, if installed (`apt-get install chromium`): Playwright's own browser downloads fail here. */
export const chromiumPath = Bun.which("chromium") ?? Bun.which("chromium-browser");

/** A headless Chromium with a fresh profile, driven by playwright-core; `close()` also deletes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!chromiumPath) throw new Error("no chromium on PATH: apt-get install chromium");
  const profile = mkdtempSync(join(tmpdir(), "atp-chromium-"));
  // Playwright passes the fresh profile as --user-data-dir itself (it refuses the flag in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
