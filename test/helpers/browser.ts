/**
 * A real Chromium for end-to-end tests, driven by playwright-core (which brings no browser of its own).
 * Which one: `CHROMIUM_PATH` when set; else the system's Chromium when there is one; else the headless
 * Chromium that the `@sparticuz/chromium` package ships inside its npm tarball, unpacked once per run by
 * `test/helpers/chromium-setup.ts`. So `npm install && npm test` needs no browser installed by hand.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { inject } from "vitest";

/** Where screenshots and rendered pages are kept for people to look at after a run (git-ignored). */
export const ARTIFACTS_DIR = join(process.cwd(), "test-artifacts");

export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = inject("chromiumPath");
  if (!existsSync(executablePath)) {
    throw new Error(
      `[test] no Chromium at ${executablePath}: unset CHROMIUM_PATH or point it at a Chromium binary`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // The closed network refuses Chromium's background connections; these keep it from trying.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
