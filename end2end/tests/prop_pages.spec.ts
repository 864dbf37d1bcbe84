import { test, expect, Page } from "@playwright/test";
import { adminSignIn, open, shot } from "./helpers";

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

test("the prop operations pages hydrate without errors or warnings, in both themes", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await adminSignIn(admin);
  const problems = watch(admin);
  for (const scheme of ["light", "dark"] as const) {
    // The theme is the staff member's saved choice.
    await open(admin, "/admin/prop-dashboard");
    const html = admin.locator("html");
    if ((await html.getAttribute("data-theme")) !== scheme) {
      await admin.getByRole("button", { name: "Switch light or dark theme" }).click();
    }
    await expect(html).toHaveAttribute("data-theme", scheme);
    for (const [path, ready] of [
      ["/admin/prop-dashboard", "prop-dashboard"],
      ["/admin/participants", "participants"],
      ["/admin/profit-shares", "profit-shares"],
      ["/admin/prop-fees", "prop-fees"],
      ["/admin/alerts", "alert-feed"],
    ]) {
      await open(admin, path);
      await expect(admin.getByTestId(ready)).toBeVisible();
      // Filters, feeds and lists fill in after hydration.
      await admin.waitForTimeout(1_500);
      await expect(admin.locator("html")).toHaveAttribute("data-theme", scheme);
      await shot(admin, `ops-page${path.replace(/\//g, "-")}-${scheme}`);
    }
  }
  expect(problems).toEqual([]);
});
