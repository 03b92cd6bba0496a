#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so that the package runs from a clone with no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
