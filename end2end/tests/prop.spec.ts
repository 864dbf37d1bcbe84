import { test, expect, Page } from "@playwright/test";
import { adminSignIn, open, shot } from "./helpers";

/** Sets the simulated platform's EURUSD price as staff (and stops the moving feed), returning
 * how long the server took: the accounts holding EURUSD are judged before it answers. */
async function setPrice(admin: Page, price: string, running = false): Promise<number> {
  return admin.evaluate(
    async ([price, running]) => {
      const started = performance.now();
      const r = await fetch("/api/admin/sim/price", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `symbol=EURUSD&price=${price}&running=${running}`,
      });
      if (!r.ok) throw new Error(`price refused: ${r.status} ${await r.text()}`);
      return performance.now() - started;
    },
    [price, String(running)] as const,
  );
}

async function signIn(page: Page, email: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

test("a trader buys a challenge, it is approved, trades, and a daily-loss breach fails it at once", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await adminSignIn(admin);
  await open(admin, "/admin");
  try {
    await setPrice(admin, "1.08500");

    // The trader compares packages and buys the 25K from the wallet.
    await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
    await open(trader, "/challenges");
    const card = trader.getByTestId("challenge-Classic 2-Step");
    await expect(card).toContainText("Classic 25K");
    await expect(card).toContainText("199.00 USD");
    await shot(trader, "prop-challenges");
    await card.getByLabel("Package").selectOption("p25k");
    await card.getByLabel("Pay with").selectOption("wallet");
    await card.getByRole("button", { name: "Participate" }).click();
    await expect(trader).toHaveURL(/\/my-challenges\/\d+$/);
    await trader.locator("body[data-hydrated]").waitFor();
    await expect(trader.getByTestId("participant-status")).toContainText("Pending approval");
    const challengeUrl = trader.url();

    // Staff approve the participation in the queue.
    await open(admin, "/admin/approvals?kind=participation");
    await admin.getByRole("searchbox", { name: "Search" }).fill("trader@propdesk.test");
    const row = admin.locator("[data-testid^=request-]").filter({ hasText: "trader@propdesk.test" }).first();
    await expect(row).toBeVisible();
    await row.getByRole("link").first().click();
    await admin.locator("#approve-form").getByRole("button", { name: "Approve" }).click();
    await expect(admin.getByTestId("review-head")).toContainText("Approved");

    // Credentials appear; the trader opens five lots of EURUSD from the trading panel.
    await expect(trader.getByTestId("participant-status")).toContainText("In progress", { timeout: 5_000 });
    await expect(trader.getByTestId("account-login")).toHaveText(/^\d{8}$/);
    await expect(trader.getByTestId("account-balance")).toContainText("25000.00 USD");
    await shot(trader, "prop-challenge-overview");
    await trader.getByTestId("tab-trade").click();
    await trader.getByLabel("Symbol").selectOption("EURUSD");
    await trader.getByLabel("Volume (lots)").fill("5");
    await trader.getByTestId("buy").click();
    await expect(trader.getByTestId("positions")).toContainText("EURUSD", { timeout: 5_000 });
    await shot(trader, "prop-trading-panel");

    // 249 points against five lots is 1,245.00: inside the 1,250.00 daily limit.
    await setPrice(admin, "1.08251");
    await trader.getByTestId("tab-overview").click();
    await expect(trader.getByTestId("bar-max_daily_loss")).toContainText("1245.00 / 1250.00", { timeout: 5_000 });
    await expect(trader.getByTestId("participant-status")).toContainText("In progress");

    // One more point breaches it: the server has failed the stage before the price call returns.
    const took = await setPrice(admin, "1.08250");
    expect(took).toBeLessThan(1_000);
    await expect(trader.getByTestId("participant-status")).toContainText("Failed", { timeout: 3_000 });
    await expect(trader.getByTestId("participant-reason")).toContainText("Maximum daily loss");
    await expect(trader.getByTestId("decisions")).toContainText("1250.00");
    await shot(trader, "prop-challenge-failed");

    // The account takes no more orders, and a retry is offered (the stage allows three attempts).
    await open(trader, challengeUrl);
    await expect(trader.getByRole("button", { name: "Retry the stage" })).toBeVisible();
  } finally {
    await setPrice(admin, "1.08500", true);
  }
});
