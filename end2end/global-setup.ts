import { chromium, FullConfig } from "@playwright/test";
import * as fs from "fs";
import { ADMIN_STATE, DATA_DIR, adminSignIn } from "./tests/helpers";

/** Signs the demo administrator in once (enrolling two-factor on a fresh database) and keeps
 * the session for the tests: each code works once, so signing in for every test would wait
 * for new 30-second steps. */
export default async function globalSetup(config: FullConfig) {
  const use = config.projects[0].use;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const browser = await chromium.launch(use.launchOptions);
  const page = await browser.newPage({ baseURL: use.baseURL });
  await adminSignIn(page);
  await page.context().storageState({ path: ADMIN_STATE });
  await browser.close();
}
