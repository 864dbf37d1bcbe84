import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium; Playwright never downloads a browser here.
const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  workers: 1,
  retries: 0,
  // One page or one flow a test. A flow (buy, approve, trade, breach) makes a dozen full
  // navigations, each loading and compiling the 14.5 MB debug wasm: 2-5 s apiece on a busy
  // 2-core machine, so 60 s was a limit on the machine's load rather than on the flow.
  timeout: 120_000,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    // No traces: Playwright records one for every test and keeps them all until the run ends
    // (4.5 GB by the fiftieth test, which filled CI's disk on 2026-12-05). To look into a failure,
    // run it again with one: `scripts/e2e.sh tests/x.spec.ts --trace retain-on-failure`.
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects: [{ name: "chromium", use: chromium }],
});
