import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// The first-visit benchmark (scripts/bench-front.sh): the release build, one run after another.
export default defineConfig({
  ...base,
  testDir: "./bench",
  // The back-office test signs in itself, on the benchmark's own fresh database.
  globalSetup: undefined,
  timeout: 600_000,
  use: { ...base.use, baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3902" },
});
