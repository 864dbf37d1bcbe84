import { test, expect, Page } from "@playwright/test";
import { asAdmin, approve, open, saveAndPublish, setPrice, shot, signIn, tradeTo } from "./helpers";

/** Earns the stage's 8% target with one lot of EURUSD (900 points = 900.00 USD on 10,000.00),
 * closes it, and moves the simulator's clock to the next day: the stage passes at midnight. */
async function passStage(admin: Page, trader: Page, stage: number) {
  await tradeTo(admin, trader, "1.09400", "900.00");
  await trader.getByTestId("tab-overview").click();
  await expect(trader.getByTestId("bar-profit_target")).toContainText("900.00 / 800.00", { timeout: 5_000 });
  // The target is met, but the stage passes only when its day ends.
  await expect(trader.getByTestId("participant-status")).toContainText("In progress");
  await open(admin, "/admin/platform");
  await admin.getByTestId("advance-day").click();
  await expect(admin.getByTestId("advance-done")).toBeVisible();
  await expect(trader.getByTestId("decisions")).toContainText("Passed", { timeout: 5_000 });
  void stage;
}

test("Go Live: an admin publishes a challenge, a trader passes both demo stages, and the live step is approved", async ({ browser }) => {
  // One flow through three stages (two demo, one live): 35–45 s on a quiet 2-core machine, 102 s
  // on a busy one, so it gets twice the default limit rather than being cut mid-flow.
  test.setTimeout(240_000);
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const name = `Go Live ${Date.now()}`;
  try {
    // The admin builds a two-stage demo challenge with a live third stage (the template's
    // shape), passing each stage at the end of the day its target is met, on one trading day.
    await open(admin, "/admin/challenges");
    await admin.getByTestId("chal-new").click();
    await admin.locator("body[data-hydrated]").waitFor();
    await admin.locator('input[name="name"]').fill(name);
    await admin.locator('textarea[name="details.en"]').fill("Two demo stages, then a funded account with an 80% split.");
    await admin.locator('input[name="details_first"]').check();
    // The step buttons: Previous is off on the first step, Next on the last, and neither leaks
    // its markup onto the page.
    await expect(admin.getByTestId("chal-prev")).toBeDisabled();
    await expect(admin.locator("body")).not.toContainText("on : click");
    await admin.getByTestId("chal-next").click();
    await expect(admin.locator("#chal-panel-2")).toBeVisible();
    await expect(admin.getByTestId("chal-prev")).toBeEnabled();
    for (const j of [0, 1]) {
      await admin.locator(`input[name="packages.0.stages.${j}.min_trading_days"]`).fill("1");
      await admin.locator(`input[name="packages.0.stages.${j}.upgrade_immediately"]`).check();
    }
    await expect(admin.getByTestId("chal-stage-0-2")).toBeVisible();
    await shot(admin, "prop-challenge-editor");
    await admin.getByTestId("chal-next").click();
    await admin.getByTestId("chal-next").click();
    await expect(admin.locator("#chal-panel-4")).toBeVisible();
    await expect(admin.getByTestId("chal-next")).toBeDisabled();
    await admin.getByTestId("chal-step-2").click();
    await saveAndPublish(admin);

    // A funded trader buys it from the wallet; the participation is approved.
    await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
    await open(trader, "/challenges");
    const card = trader.getByTestId(`challenge-${name}`);
    await expect(card).toContainText("10000.00 USD");
    await card.getByRole("button", { name: "Participate" }).click();
    await expect(trader).toHaveURL(/\/my-challenges\/\d+$/);
    const url = trader.url();
    await approve(admin, "participation", "trader@propdesk.test");
    await open(trader, url);
    await expect(trader.getByTestId("participant-status")).toContainText("In progress");
    // The firm shows the challenge's details first.
    await expect(trader.getByTestId("challenge-details")).toContainText("80% split");
    const firstLogin = await trader.getByTestId("account-login").textContent();

    // Stage 1, then stage 2, each on its own account.
    await passStage(admin, trader, 1);
    await expect(trader.getByTestId("account-login")).not.toHaveText(firstLogin ?? "", { timeout: 5_000 });
    await expect(trader.getByText("Stage 2/3")).toBeVisible();
    await passStage(admin, trader, 2);
    await expect(trader.getByTestId("participant-status")).toContainText("Pending live approval", { timeout: 5_000 });

    // The live step is approved: live credentials appear.
    await approve(admin, "live_step", "trader@propdesk.test");
    await open(trader, url);
    await expect(trader.getByTestId("participant-status")).toContainText("In progress");
    await expect(trader.getByTestId("account-env")).toHaveText("Simulator · Live");
    await expect(trader.getByText("Stage 3/3")).toBeVisible();
    await shot(trader, "prop-live-credentials");
  } finally {
    await setPrice(admin, "1.08500", true);
  }
});

test("a trader buys a challenge, it is approved, trades, and a daily-loss breach fails it at once", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
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
    // A type chip hides the cards of other types and leaves what was chosen on them.
    const types = trader.getByRole("group", { name: "Filter by type" });
    await types.getByRole("button", { name: "Instant", exact: true }).click();
    await expect(card).toBeHidden();
    await expect(trader.getByTestId("challenge-Instant Funding")).toBeVisible();
    await types.getByRole("button", { name: "All", exact: true }).click();
    await expect(card.getByLabel("Package")).toHaveValue("p25k");
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
    // A price move redraws the positions, live, and not the order form: what the trader is
    // typing stays, focus included.
    const positions = await trader.getByTestId("positions").innerText();
    const stopLoss = trader.locator("#t-sl");
    await stopLoss.fill("1.07");
    await setPrice(admin, "1.08400");
    await expect(trader.getByTestId("positions")).not.toHaveText(positions, { timeout: 5_000 });
    await expect(stopLoss).toHaveValue("1.07");
    await expect(stopLoss).toBeFocused();
    await stopLoss.fill("");

    // 249 points against five lots is 1,245.00: inside the 1,250.00 daily limit.
    await setPrice(admin, "1.08251");
    await trader.getByTestId("tab-overview").click();
    await expect(trader.getByTestId("bar-max_daily_loss")).toContainText("1245.00 / 1250.00", { timeout: 5_000 });
    await expect(trader.getByTestId("participant-status")).toContainText("In progress");

    // Risk staff watch the alerts page; both open pages are on the live stream (which the
    // pages fall back from to a 15-second poll only when it cannot be opened).
    const login = (await trader.getByTestId("account-login").innerText()).trim();
    const watcher = await (await browser.newContext()).newPage();
    await asAdmin(watcher);
    await open(watcher, "/admin/alerts");
    await expect(watcher.getByTestId("live")).toHaveAttribute("data-live", "open");
    await expect(trader.getByTestId("live")).toHaveAttribute("data-live", "open");
    // A staff member's participant page reads itself again for its own participant's changes
    // only: one tab has the trader's participant open, another a client's with no account.
    const id = challengeUrl.split("/").pop();
    const staffOwn = await watcher.context().newPage();
    await open(staffOwn, `/admin/participants/${id}`);
    const staffOther = await watcher.context().newPage();
    await open(staffOther, "/admin/participants");
    await staffOther.getByRole("searchbox", { name: "Search" }).fill("aiko.tanaka@example.com");
    const otherRow = staffOther.locator("[data-email='aiko.tanaka@example.com']").first();
    const otherId = (await otherRow.getAttribute("data-testid"))?.replace("participant-", "");
    let rereads = 0;
    staffOther.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/admin/participant") rereads++;
    });
    await open(staffOther, `/admin/participants/${otherId}`);
    for (const p of [staffOwn, staffOther]) await expect(p.getByTestId("live")).toHaveAttribute("data-live", "open");
    // The stream's opening reads every page once (what changed before it opened).
    await expect.poll(() => rereads).toBeGreaterThan(0);
    await staffOther.waitForTimeout(500);
    const before = rereads;

    // One more point breaches it: the server has failed the stage before the price call
    // returns, and the failure is on both open pages within a second, with no reload.
    const took = await setPrice(admin, "1.08250");
    expect(took).toBeLessThan(1_000);
    await expect(trader.getByTestId("participant-status")).toContainText("Failed", { timeout: 1_000 });
    const breach = watcher.locator("[data-testid^=alert-][data-code=breach]").filter({ hasText: login });
    await expect(breach.first()).toContainText("Maximum daily loss", { timeout: 1_000 });
    await expect(breach.first()).toContainText("1250.00");
    await shot(watcher, "live-breach-alert");
    await expect(staffOwn.getByTestId("participant-status")).toContainText("Failed", { timeout: 1_000 });
    await staffOther.waitForTimeout(500);
    expect(rereads).toBe(before);
    await expect(trader.getByTestId("participant-reason")).toContainText("Maximum daily loss");
    await expect(trader.getByTestId("decisions")).toContainText("1250.00");
    await shot(trader, "prop-challenge-failed");

    // Staff see the same reason, with the figures, on the participant's page.
    await open(admin, `/admin/participants/${id}`);
    await expect(admin.getByTestId("participant-status")).toContainText("Failed");
    await expect(admin.getByTestId("participant-reason")).toContainText("Maximum daily loss");
    await expect(admin.getByTestId("participant-decisions")).toContainText("1250.00");
    await shot(admin, "prop-admin-participant-failed");
    await open(admin, "/admin/participants");
    await admin.getByRole("searchbox", { name: "Search" }).fill("trader@propdesk.test");
    await expect(admin.getByTestId(`participant-${id}`)).toContainText("Maximum daily loss");
    await admin.emulateMedia({ colorScheme: "dark" });
    await shot(admin, "prop-admin-participants");

    // The account takes no more orders, and a retry is offered (the stage allows three attempts).
    await open(trader, challengeUrl);
    await expect(trader.getByRole("button", { name: "Retry the stage" })).toBeVisible();
  } finally {
    await setPrice(admin, "1.08500", true);
  }
});
