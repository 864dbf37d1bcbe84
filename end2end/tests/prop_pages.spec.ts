import { test, expect, Page } from "@playwright/test";
import { asAdmin, open, setTheme, settled, shot } from "./helpers";

/** Console errors and Leptos warnings of a page once it has hydrated and settled. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    // The browser asks every site for /favicon.ico; PropDesk has none.
    if (m.text().includes("Failed to load resource") && m.location().url.endsWith("/favicon.ico")) return;
    if (m.type() === "error" || m.type() === "warning") problems.push(`${page.url()}: ${m.text().split("\n")[0]}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
  return problems;
}

const PAGES = [
  ["/admin/prop-dashboard", "prop-dashboard"],
  ["/admin/participants", "participants"],
  ["/admin/profit-shares", "profit-shares"],
  ["/admin/prop-fees", "prop-fees"],
  ["/admin/alerts", "alert-feed"],
] as const;

// One page and one theme a test, so that a time limit measures one page.
for (const scheme of ["light", "dark"] as const) {
  for (const [path, ready] of PAGES) {
    test(`${path} hydrates without errors or warnings in the ${scheme} theme`, async ({ page }) => {
      await asAdmin(page);
      const problems = watch(page);
      // The theme is the staff member's saved choice.
      await setTheme(page, scheme);
      await open(page, path);
      await expect(page.getByTestId(ready)).toBeVisible();
      await settled(page);
      await expect(page.locator("html")).toHaveAttribute("data-theme", scheme);
      await shot(page, `ops-page${path.replace(/\//g, "-")}-${scheme}`);
      expect(problems).toEqual([]);
    });
  }
}
