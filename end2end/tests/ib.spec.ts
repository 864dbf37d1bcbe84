import { test, expect, Page } from "@playwright/test";
import { asAdmin, open, setTheme, settled, shot, signIn, uniqueEmail, watch } from "./helpers";

/** A figure such as "447.00 USD" in cents. */
function cents(text: string | null): number {
  return Math.round(Number((text ?? "0").replace(/[^0-9.-]/g, "")) * 100);
}

/** The fees collected in the IB's tree, on the Prop Trading Statistics page, in cents. */
async function treeFees(page: Page): Promise<number> {
  await open(page, "/ib/stats");
  return cents(await page.getByTestId("stat-fees").textContent());
}

/** The IB commissions on the prop dashboard, in cents. */
async function dashCommissions(admin: Page): Promise<number> {
  await open(admin, "/admin/prop-dashboard");
  return Number(await admin.getByTestId("dash-commissions").getAttribute("data-minor"));
}

/** The wallet's USD balance on the funds page, in cents. */
async function usdCents(page: Page): Promise<number> {
  await open(page, "/funds");
  const text = (await page.getByTestId("wallet-USD-balance").textContent()) ?? "0";
  return Math.round(Number(text.replace(/[^0-9.-]/g, "")) * 100);
}

// The demo tree: Iris (ib@propdesk.test, Gold) ← Omar (sub-IB, Silver). Classic 10K costs
// 99.00 and pays levels of 10% and 5% and ranks (Silver 5%, overriding 20% of the commission
// below). By hand: Omar 9.90 + 4.95 = 14.85; Iris 4.95 + 0.99 = 5.94.
test("an IB's link brings a trader whose purchase pays the IB and their upline at once, and a refund takes it back", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext()).newPage();
  const omar = await (await browser.newContext()).newPage();
  const iris = await (await browser.newContext()).newPage();
  const visitor = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  await signIn(omar, "omar.haddad@example.com", "Client-demo-2026");
  await signIn(iris, "ib@propdesk.test", "Ib-demo-2026!");
  const omarBefore = await usdCents(omar);
  const irisBefore = await usdCents(iris);
  const feesBefore = await treeFees(omar);
  const dashBefore = await dashCommissions(admin);

  // Omar names a link to Classic 2-Step.
  await open(omar, "/ib/links");
  const name = `E2E link ${Date.now()}`;
  await omar.getByLabel("Name").fill(name);
  await omar.getByLabel("Leads to").selectOption("challenge");
  await omar.locator("select[name=challenge]").selectOption({ label: "Classic 2-Step" });
  await omar.getByRole("button", { name: "Create link" }).click();
  const row = omar.locator("[data-testid^=link-]").filter({ hasText: name });
  await expect(row).toBeVisible();
  const url = (await row.locator(".cell-sub").textContent())?.trim() ?? "";
  expect(url).toMatch(/\/r\/[A-Z0-9]+$/);
  await shot(omar, "ib-links");

  // A visitor follows it and signs up: the registration page knows the link, and the new
  // trader lands on the challenge.
  const email = uniqueEmail("ib-e2e");
  await visitor.goto(new URL(url).pathname);
  await expect(visitor).toHaveURL(/\/register\?link=/);
  await visitor.locator("body[data-hydrated]").waitFor();
  await expect(visitor.getByTestId("via-link")).toBeVisible();
  await visitor.getByLabel("First name").fill("Lina");
  await visitor.getByLabel("Last name").fill("Linkfollower");
  await visitor.getByLabel("Email").fill(email);
  await visitor.getByLabel("Password", { exact: true }).fill("e2e-password-1");
  await visitor.getByLabel("Country").fill("GB");
  await visitor.getByLabel("Phone").fill("+44 7700 900456");
  await visitor.getByRole("button", { name: "Create an account" }).click();
  await expect(visitor).toHaveURL(/\/challenges\?challenge=\d+$/);
  await visitor.locator("body[data-hydrated]").waitFor();
  const card = visitor.getByTestId("challenge-Classic 2-Step");
  await expect(card.getByTestId("invited-challenge")).toBeVisible();
  await expect(visitor.locator(".challenge-card").first()).toHaveAttribute("data-testid", "challenge-Classic 2-Step");
  await shot(visitor, "ib-link-challenge");

  // Omar watches his commissions while the trader buys Classic 10K directly.
  await open(omar, "/ib/commission");
  await omar.getByRole("searchbox").fill(email);
  await card.getByLabel("Package").selectOption("p10k");
  await card.getByLabel("Pay with").selectOption("direct");
  await card.getByRole("button", { name: "Participate" }).click();
  await expect(visitor).toHaveURL(/\/pay\/\d+$/);
  await visitor.locator("body[data-hydrated]").waitFor();
  await visitor.locator("#psp-pay").click();
  await expect(visitor.getByTestId("checkout")).toContainText("Payment received", { timeout: 10_000 });

  // At once, without a reload: the level and rank rebates, 14.85 in all.
  await expect(omar.getByTestId("commission-total-USD")).toHaveAttribute("data-total", "14.85", { timeout: 5_000 });
  await expect(omar.locator('[data-testid^=commission-][data-structure="level"]')).toContainText("9.90 USD");
  await expect(omar.locator('[data-testid^=commission-][data-structure="rank"]')).toContainText("4.95 USD");
  await shot(omar, "ib-commission");
  expect(await usdCents(omar)).toBe(omarBefore + 1485);
  // Iris, one level up: 5% and 20% of Omar's rank commission.
  await open(iris, "/ib/commission");
  await iris.getByRole("searchbox").fill(email);
  await expect(iris.getByTestId("commission-total-USD")).toHaveAttribute("data-total", "5.94", { timeout: 5_000 });
  expect(await usdCents(iris)).toBe(irisBefore + 594);

  // The link's funnel and Omar's statistics count the purchase.
  await open(omar, "/ib/links");
  const counted = omar.locator("[data-testid^=link-]").filter({ hasText: name });
  await expect(counted).toHaveAttribute("data-clicks", "1");
  await expect(counted).toHaveAttribute("data-signups", "1");
  await expect(counted).toHaveAttribute("data-purchases", "1");
  expect(await treeFees(omar)).toBe(feesBefore + 9900);
  await shot(omar, "ib-stats");
  await open(omar, "/ib/clients");
  await expect(omar.getByTestId("ib-clients")).toContainText(email);

  // Staff see the same four rows in the Fee Commission Report and its CSV.
  await open(admin, "/admin/ib");
  await admin.getByRole("searchbox").fill("");
  const report = admin.getByTestId("fee-report");
  await expect(report.locator("[data-testid^=commission-]").filter({ hasText: "Omar Haddad" }).first()).toBeVisible();
  await shot(admin, "ib-fee-report");
  const csv = await (await admin.request.get("/export/fee-commissions.csv")).text();
  expect(csv.split("\n")[0]).toContain("recipient");
  expect(csv).toContain("Omar Haddad");
  expect(csv).toContain(",9.90,");
  // The prop dashboard counts both IBs' rebates (14.85 + 5.94).
  expect(await dashCommissions(admin)).toBe(dashBefore + 2079);
  await shot(admin, "ib-prop-dashboard");

  // Turned down: the fee goes back to the trader's wallet and both IBs lose their rebates.
  await open(admin, "/admin/approvals?kind=participation");
  await admin.getByRole("searchbox", { name: "Search" }).fill(email);
  await admin.locator("[data-testid^=request-]").filter({ hasText: email }).first().getByRole("link").first().click();
  await admin.locator("#reject-reason").fill("E2E: refund the fee");
  await admin.locator("#reject-form").getByRole("button", { name: "Reject" }).click();
  await expect(admin.getByTestId("review-head")).toContainText("Rejected");
  expect(await usdCents(omar)).toBe(omarBefore);
  expect(await usdCents(iris)).toBe(irisBefore);
  expect(await dashCommissions(admin)).toBe(dashBefore);
  await open(omar, "/ib/commission");
  await omar.getByRole("searchbox").fill(email);
  await expect(omar.getByTestId("commission-total-USD")).toHaveAttribute("data-total", "0.00", { timeout: 5_000 });
});

test("staff define a rank set and give an IB a tier; the IB's tree opens level by level", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const iris = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  await open(admin, "/admin/ib");
  await admin.getByRole("tab", { name: "Rank sets" }).click();
  await expect(admin.getByTestId("rank-set-Partners")).toContainText("1. Bronze");
  await admin.getByRole("button", { name: "New rank set" }).click();
  const set = `Desk ${Date.now()}`;
  await admin.locator("#rank-set-name").fill(set);
  await admin.locator("#tier-0").fill("Starter");
  await admin.getByTestId("add-tier").click();
  await admin.locator("#tier-1").fill("Pro");
  await admin.getByTestId("rank-set-form").getByRole("button", { name: "Save" }).click();
  await expect(admin.getByTestId(`rank-set-${set}`)).toContainText("2. Pro");
  await shot(admin, "ib-rank-sets");

  // The tree view: Iris → Omar → Mei → Jonas, opened one level at a time.
  await signIn(iris, "ib@propdesk.test", "Ib-demo-2026!");
  await open(iris, "/ib/clients");
  await iris.getByTestId("tree-view").click();
  const omarNode = iris.getByTestId("ib-tree").locator("li").filter({ hasText: "omar.haddad@example.com" }).first();
  await omarNode.getByRole("button", { name: "Show their clients" }).click();
  await expect(omarNode).toContainText("mei.lin@example.com");
  await shot(iris, "ib-tree");
});

test("the IB area's pages hydrate without errors in the dark theme on a narrow screen", async ({ browser }) => {
  const iris = await (await browser.newContext()).newPage();
  const problems = watch(iris);
  await signIn(iris, "ib@propdesk.test", "Ib-demo-2026!");
  await setTheme(iris, "dark");
  await iris.setViewportSize({ width: 390, height: 844 });
  const pages = [
    ["/ib", "direct-clients"],
    ["/ib/clients", "ib-clients"],
    ["/ib/report", "ib-report"],
    ["/ib/commission", "commissions"],
    ["/ib/requests", "ib-requests"],
    ["/ib/stats", "ib-stats"],
    ["/ib/links", "links"],
  ] as const;
  for (const [path, ready] of pages) {
    await open(iris, path);
    await expect(iris.getByTestId(ready)).toBeVisible();
    await settled(iris);
    await expect(iris.locator("html")).toHaveAttribute("data-theme", "dark");
    await shot(iris, `ib-narrow-dark${path.replace(/\//g, "-")}`);
  }
  await iris.setViewportSize({ width: 1280, height: 720 });
  await setTheme(iris, "light");
  expect(problems).toEqual([]);
});
