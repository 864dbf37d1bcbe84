import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import { asAdmin, approve, csvCells, open, setPrice, shot, signIn, tradeTo } from "./helpers";

/** The dashboard's money figures, in minor units, as the page shows them. */
async function figures(admin: Page): Promise<Record<string, number>> {
  await open(admin, "/admin/prop-dashboard");
  await expect(admin.getByTestId("prop-dashboard")).toBeVisible();
  const out: Record<string, number> = {};
  for (const id of ["broker-profit", "broker-loss", "payouts", "fees", "funded"]) {
    out[id] = Number(await admin.getByTestId(`dash-${id}`).getAttribute("data-minor"));
  }
  return out;
}

/** The wallet's USD balance on the trader's funds page, in minor units. */
async function wallet(trader: Page): Promise<number> {
  await open(trader, "/funds");
  const text = await trader.getByTestId("wallet-USD-balance").innerText();
  return Math.round(Number(text.replace(/[^0-9.-]/g, "")) * 100);
}

/** Publishes a one-step challenge (a funded 10,000.00 USD account, 80% to the trader, free)
 * through the back office's API, with the given payout distribution. */
async function fundedChallenge(admin: Page, name: string, distribution: "automatic" | "manual") {
  await admin.evaluate(
    async ([name, distribution]) => {
      const post = (path: string, body: string, json = false) =>
        fetch(path, {
          method: "POST",
          headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
          body,
        });
      const tpl = await (await post("/api/admin/challenge", "id=0")).json();
      const def = tpl.def;
      def.name = name;
      def.time_zone = "UTC";
      const pkg = def.packages[0];
      pkg.fee_minor = 0;
      const live = pkg.stages[pkg.stages.length - 1];
      live.distribution = distribution;
      pkg.stages = [live];
      const saved = await post("/api/admin/challenge/save", JSON.stringify({ id: 0, def }), true);
      if (!saved.ok) throw new Error(`challenge refused: ${await saved.text()}`);
      const id = await saved.json();
      const published = await post("/api/admin/challenge/act", `id=${id}&action=publish`);
      if (!published.ok) throw new Error(`publish refused: ${await published.text()}`);
    },
    [name, distribution] as const,
  );
}

/** The trader buys a challenge from its card and staff approve it: the funded account's page. */
async function joinFunded(admin: Page, trader: Page, name: string): Promise<string> {
  await open(trader, "/challenges");
  await trader.getByTestId(`challenge-${name}`).getByRole("button", { name: "Participate" }).click();
  await expect(trader).toHaveURL(/\/my-challenges\/\d+$/);
  const url = trader.url();
  await approve(admin, "participation", "trader@propdesk.test");
  await open(trader, url);
  await expect(trader.getByTestId("participant-status")).toContainText("In progress");
  await expect(trader.getByTestId("account-env")).toHaveText("Simulator · Live");
  return url;
}

test("a funded trader's profit is settled into the wallet, shows on the profit-sharing tab, and moves the dashboard by the hand-computed amounts", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const name = `Funded auto ${Date.now()}`;
  try {
    await fundedChallenge(admin, name, "automatic");
    const before = await figures(admin);
    await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
    const walletBefore = await wallet(trader);
    const url = await joinFunded(admin, trader, name);

    // +300 points on one lot: 300.00 of profit above the 10,000.00 mark.
    await tradeTo(admin, trader, "1.08800", "300.00");
    await trader.getByTestId("tab-profit").click();
    await expect(trader.getByTestId("ps-unsettled")).toContainText("300.00 USD", { timeout: 5_000 });

    // Staff settle the running period: 80% is paid at once, the balance is back at its base.
    const id = url.split("/").pop();
    await open(admin, `/admin/participants/${id}`);
    await expect(admin.getByTestId("ps-terms-share")).toHaveText("80%");
    await admin.getByTestId("participant-settle").click();
    const row = admin.getByTestId("participant-profit-shares").locator("[data-testid^=ps-]").first();
    await expect(row).toHaveAttribute("data-status", "paid", { timeout: 5_000 });
    await expect(row.getByTestId("ps-trader-share")).toHaveText("240.00 USD");
    await expect(row.getByTestId("ps-firm-share")).toHaveText("60.00 USD");
    await expect(admin.getByTestId("participant-balance")).toContainText("10000.00");
    await shot(admin, "ops-participant-settled");
    // The same period twice is refused, and says why.
    await expect(admin.getByTestId("participant-settle")).toBeVisible();
    await admin.getByTestId("participant-settle").click();
    await expect(admin.getByTestId("settle-error")).toContainText("already settled");
    // The page draws its body again when it re-reads (here after a change of the data type);
    // the settlement's error stays there until the next settlement.
    for (const kind of ["demo", "real"]) {
      const reread = admin.waitForResponse((r) => new URL(r.url()).pathname === "/api/admin/participant" && r.ok());
      await admin.getByTestId("participant-data-type").selectOption(kind);
      await reread;
      await admin.waitForTimeout(300);
      await expect(admin.getByTestId("participant-data-type")).toHaveValue(kind);
      await expect(admin.getByTestId("settle-error")).toContainText("already settled");
    }

    // The trader sees the amount and that it was paid, and has it in the wallet.
    await open(trader, url);
    await trader.getByTestId("tab-profit").click();
    const mine = trader.getByTestId("profit-shares").locator("[data-testid^=ps-]").first();
    await expect(mine).toHaveAttribute("data-status", "paid");
    await expect(mine.getByTestId("ps-trader-share")).toHaveText("240.00 USD");
    await expect(mine).toContainText("Paid");
    await shot(trader, "ops-trader-profit-sharing");
    expect(await wallet(trader)).toBe(walletBefore + 24_000);

    // The dashboard against a hand computation: profit (1.08800 − 1.08500) × 100,000 = 300.00,
    // the trader's 80% = 240.00, the firm keeps 60.00; one funded account of 10,000.00; a free fee.
    const profit = Math.round((1.088 - 1.085) * 100_000 * 100);
    const share = Math.floor((profit * 8_000) / 10_000);
    const after = await figures(admin);
    expect(after.payouts - before.payouts).toBe(share);
    expect(after["broker-profit"] - before["broker-profit"]).toBe(profit - share);
    expect(after.funded - before.funded).toBe(1_000_000);
    expect(after.fees - before.fees).toBe(0);
    expect(after["broker-loss"] - before["broker-loss"]).toBe(0);
    // The fee figure is the fee report's real rows summed by hand.
    await open(admin, "/admin/prop-fees");
    const download = admin.waitForEvent("download");
    await admin.getByRole("link", { name: "Export CSV" }).click();
    const lines = fs.readFileSync(await (await download).path(), "utf8").trim().split("\n");
    const head = csvCells(lines[0]);
    expect(head).toEqual([
      "id", "at", "participant_id", "client", "email", "challenge", "package", "kind",
      "before_discount", "discount", "discount_source", "amount", "currency", "ib", "data_type",
    ]);
    const real = lines
      .slice(1)
      .map(csvCells)
      .filter((c) => c[head.indexOf("data_type")] === "real" && c[head.indexOf("currency")] === "USD");
    const sum = real.reduce((s, c) => s + Math.round(Number(c[head.indexOf("amount")]) * 100), 0);
    expect(sum).toBe(after.fees);
    await shot(admin, "ops-fee-report");

    // Tagged demo, the participant leaves the firm's figures.
    await open(admin, `/admin/participants/${id}`);
    // A live update from the settlement above may redraw the page as the option is chosen
    // (the redraw shows the stored value): choose again until the choice is what shows.
    await expect(async () => {
      await admin.getByTestId("participant-data-type").selectOption("demo");
      await expect(admin.getByTestId("participant-data-type")).toHaveValue("demo", { timeout: 2_000 });
    }).toPass({ timeout: 15_000 });
    await expect.poll(async () => (await figures(admin)).payouts).toBe(before.payouts);
    await shot(admin, "ops-dashboard");
    await admin.emulateMedia({ colorScheme: "dark" });
    await shot(admin, "ops-dashboard-dark");
    await admin.setViewportSize({ width: 390, height: 844 });
    await open(admin, "/admin/prop-dashboard");
    await expect(admin.getByTestId("prop-dashboard")).toBeVisible();
    await shot(admin, "ops-dashboard-narrow");
  } finally {
    await setPrice(admin, "1.08500", true);
  }
});

test("a payout under manual distribution waits for a staff review, and approval pays it", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const name = `Funded reviewed ${Date.now()}`;
  try {
    await fundedChallenge(admin, name, "manual");
    await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
    const walletBefore = await wallet(trader);
    const url = await joinFunded(admin, trader, name);
    await tradeTo(admin, trader, "1.08700", "200.00");

    const id = url.split("/").pop();
    await open(admin, `/admin/participants/${id}`);
    await admin.getByTestId("participant-settle").click();
    const row = admin.getByTestId("participant-profit-shares").locator("[data-testid^=ps-]").first();
    await expect(row).toHaveAttribute("data-status", "pending_review", { timeout: 5_000 });
    await expect(row.getByTestId("ps-trader-share")).toHaveText("160.00 USD");

    // The trader sees it waiting, and nothing has been paid yet.
    await open(trader, url);
    await trader.getByTestId("tab-profit").click();
    const mine = trader.getByTestId("profit-shares").locator("[data-testid^=ps-]").first();
    await expect(mine).toContainText("Awaiting review");
    expect(await wallet(trader)).toBe(walletBefore);

    // Staff review it in the approval queue; approval pays it.
    await open(admin, "/admin/profit-shares");
    await expect(admin.getByTestId("profit-shares")).toContainText("Awaiting review");
    await shot(admin, "ops-profit-shares");
    await approve(admin, "profit_share", "trader@propdesk.test");
    await expect(admin.getByText("Trader's share")).toBeVisible();
    await open(trader, url);
    await trader.getByTestId("tab-profit").click();
    await expect(trader.getByTestId("profit-shares").locator("[data-testid^=ps-]").first()).toHaveAttribute("data-status", "paid");
    expect(await wallet(trader)).toBe(walletBefore + 16_000);
  } finally {
    await setPrice(admin, "1.08500", true);
  }
});

test("a risk alert rule and a trader's daily-loss warning fire live on a watcher's open alerts page", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const watcher = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const name = `Funded watched ${Date.now()}`;
  try {
    await fundedChallenge(admin, name, "automatic");
    await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
    const url = await joinFunded(admin, trader, name);
    const login = (await trader.getByTestId("account-login").innerText()).trim();

    // A staff member watches the alerts page while a colleague adds a rule.
    await asAdmin(watcher);
    await open(watcher, "/admin/alerts");
    await expect(watcher.getByTestId("alert-feed")).toBeVisible();
    await open(admin, "/admin/alerts");
    const form = admin.locator("#alert-rule-form");
    await form.getByLabel("Name").fill(`Fast money ${Date.now()}`);
    await form.getByLabel("Today's profit of at least (amount)").fill("100");
    await form.getByLabel("Accounts").selectOption("live");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(admin.getByTestId("alert-rules")).toContainText("Fast money");
    // Bad input is refused with a specific message.
    await form.getByLabel("Name").fill("Impossible");
    await form.getByLabel("Today's profit of at least (amount)").fill("-5");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.locator("#rule-threshold-err")).not.toBeEmpty();

    // One lot bought at 1.08500 and 150 points up: 150.00 today reaches the rule's 100.00, and
    // it fires on the watcher's open page.
    await setPrice(admin, "1.08500");
    await open(trader, url);
    await trader.getByTestId("tab-trade").click();
    await trader.getByLabel("Symbol").selectOption("EURUSD");
    await trader.getByLabel("Volume (lots)").fill("1");
    await trader.getByTestId("buy").click();
    await expect(trader.getByTestId("positions")).toContainText("EURUSD", { timeout: 5_000 });
    await setPrice(admin, "1.08650");
    const fired = watcher.locator("[data-testid^=alert-][data-source=risk]").filter({ hasText: "Fast money" }).filter({ hasText: login });
    await expect(fired.first()).toBeVisible({ timeout: 6_000 });
    await expect(fired.first()).toContainText("150.00");
    // 250 points below the open: the day is 250.00 down, half of the 500.00 daily limit.
    await setPrice(admin, "1.08250");
    const warned = watcher.locator("[data-testid^=alert-][data-source=trader]").filter({ hasText: login }).filter({ hasText: "50%" });
    await expect(warned.first()).toBeVisible({ timeout: 6_000 });
    await shot(watcher, "ops-alerts");
    await open(trader, "/notifications");
    await expect(trader.getByText(/50% of your daily limit/).first()).toBeVisible();
    await shot(trader, "ops-trader-warning");
  } finally {
    await setPrice(admin, "1.08500", true);
  }
});

test("the participants list filters by challenge, stage and data type", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  await open(admin, "/admin/participants");
  const rows = admin.locator("tr[data-testid^=participant-]");
  await expect(rows.first()).toBeVisible();
  const all = await rows.count();
  await admin.getByTestId("filter-challenge").selectOption({ label: "Instant Funding" });
  await expect.poll(async () => rows.count()).toBeLessThan(all);
  for (const text of await rows.allInnerTexts()) expect(text).toContain("Instant Funding");
  await admin.getByTestId("filter-data-type").selectOption("demo");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId("data-type")).toHaveText("Demo");
  await shot(admin, "ops-participants-filtered");
  // A date range that ends before it starts is refused with a message, not an empty list.
  await admin.getByTestId("filter-data-type").selectOption("");
  await admin.locator(".toolbar-date input").first().fill("2026-12-31");
  await admin.locator(".toolbar-date input").nth(1).fill("2026-01-01");
  await expect(admin.getByTestId("participants")).toContainText("before the start date");
});
