/**
 * Vitest global set-up: finds the Chromium the browser tests drive, once per run, before any test file
 * starts (two workers unpacking the bundled binary at once would race on the same file).
 */
import type { TestProject } from "vitest/node";
import { findChromium } from "./find-chromium.ts";

declare module "vitest" {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide("chromiumPath", await findChromium(process.env));
}
