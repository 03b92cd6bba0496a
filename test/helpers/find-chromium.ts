import { existsSync } from "node:fs";

/** Where a Chromium of the system's own usually is (Debian's package, other distributions, macOS). */
const SYSTEM_CHROMIUMS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/**
 * The Chromium binary for the browser tests: `CHROMIUM_PATH` wins; then a system Chromium; then the one
 * bundled in `@sparticuz/chromium` (a devDependency), unpacked into the temporary folder on first use.
 */
export async function findChromium(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  if (system) return system;
  const { default: bundled } = await import("@sparticuz/chromium");
  return bundled.executablePath();
}
