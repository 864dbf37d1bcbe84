import { test, expect } from "@playwright/test";
import { asAdmin, expectNoRawKeys, open, setTheme, settled, shot, watch } from "./helpers";

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
      await expectNoRawKeys(page);
      await shot(page, `ops-page${path.replace(/\//g, "-")}-${scheme}`);
      expect(problems).toEqual([]);
    });
  }
}
