import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import { asAdmin, open, shot, uniqueEmail } from "./helpers";

/** Sets how trader registrations are approved, from the back office's settings. */
async function setRegistrationMethod(admin: Page, method: "manual" | "automatic") {
  await open(admin, "/admin/settings");
  await admin.getByRole("tab", { name: "Approvals" }).click();
  const form = admin.locator("#approval-setting-trader_registration");
  await form.getByLabel("Approval method").selectOption(method);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Saved.")).toBeVisible();
}

/** Opens the newest request of a kind from a client and approves it (at each level). */
async function approve(admin: Page, kind: string, email: string, levels = 1) {
  await open(admin, `/admin/approvals?kind=${kind}`);
  await admin.getByRole("searchbox", { name: "Search" }).fill(email);
  const row = admin.locator("[data-testid^=request-]").filter({ hasText: email }).first();
  await expect(row).toBeVisible();
  await row.getByRole("link").first().click();
  await expect(admin.getByTestId("review-head")).toContainText("Pending");
  for (let level = 1; level <= levels; level++) {
    if (levels > 1) await expect(admin.getByTestId("review-level")).toContainText(`Level ${level} of ${levels}`);
    await admin.locator("#approve-form").getByRole("button", { name: "Approve" }).click();
    await expect(admin.getByTestId("review-notice")).toBeVisible();
    if (level < levels) await expect(admin.getByTestId("review-head")).toContainText("Pending");
  }
  await expect(admin.getByTestId("review-head")).toContainText("Approved");
}

async function signIn(page: Page, email: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function optionValue(page: Page, select: string, text: string) {
  return (await page.locator(`${select} option`, { hasText: text }).first().getAttribute("value")) ?? "";
}

test("registration, KYC, deposit and a two-level withdrawal, approved in the back office", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await browser.newPage();
  const trader = await browser.newPage();
  await asAdmin(admin);
  await setRegistrationMethod(admin, "manual");
  try {
    // The trader registers and must wait for approval.
    const email = uniqueEmail("money");
    const password = "e2e-password-1";
    await open(trader, "/register");
    await trader.getByLabel("First name").fill("Mona");
    await trader.getByLabel("Last name").fill("Money");
    await trader.getByLabel("Email").fill(email);
    await trader.getByLabel("Password", { exact: true }).fill(password);
    await trader.getByLabel("Country").fill("GB");
    await trader.getByLabel("Phone").fill("+44 7700 900457");
    await trader.getByRole("button", { name: "Create an account" }).click();
    await expect(trader.locator("#awaiting-approval")).toContainText("reviews new registrations");
    await signIn(trader, email, password);
    await expect(trader.getByText("Your registration is awaiting approval")).toBeVisible();

    await approve(admin, "trader_registration", email);
    await signIn(trader, email, password);
    await expect(trader).toHaveURL(/\/$/);
    await trader.locator("body[data-hydrated]").waitFor();

    // KYC with a document, approved by the admin.
    await open(trader, "/kyc");
    await trader.locator("#f-kyc-date_of_birth").fill("1991-02-03");
    await trader.locator("#f-kyc-id_number").fill("P1234567");
    await trader.locator("#f-kyc-address").fill("1 Test Street, London");
    await trader.locator("#f-kyc-doc-id_document").setInputFiles({
      name: "passport.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n% end-to-end test document\n%%EOF\n"),
    });
    await expect(trader.getByText("passport.pdf")).toBeVisible();
    await trader.getByRole("button", { name: "Submit for review" }).click();
    await expect(trader.getByTestId("kyc-status")).toContainText("Pending review");
    await shot(trader, "money-kyc-pending");
    // The reviewer opens the document before deciding (staff may open any client's upload).
    await open(admin, "/admin/approvals?kind=kyc");
    await admin.getByRole("searchbox", { name: "Search" }).fill(email);
    await admin.locator("[data-testid^=request-]").filter({ hasText: email }).first().getByRole("link").first().click();
    const href = await admin.getByRole("link", { name: "passport.pdf" }).getAttribute("href");
    const doc = await admin.request.get(href!, { maxRedirects: 0 });
    expect(doc.status()).toBe(200);
    expect(doc.headers()["content-type"]).toBe("application/pdf");
    expect((await doc.body()).toString()).toContain("end-to-end test document");
    await approve(admin, "kyc", email);
    await shot(admin, "money-review-approved");
    await open(trader, "/kyc");
    await expect(trader.getByTestId("kyc-status")).toContainText("Approved");

    // A bank-transfer deposit, approved: the wallet shows it.
    await open(trader, "/funds");
    await trader.locator("#f-deposit-method").selectOption(await optionValue(trader, "#f-deposit-method", "Bank transfer (USD)"));
    await trader.locator("#f-deposit-amount").fill("1000");
    await trader.locator("#f-deposit-reference").fill("E2E-1000");
    await trader.getByRole("button", { name: "Submit deposit" }).click();
    await expect(trader.getByTestId("funds-flash")).toBeVisible();
    await approve(admin, "deposit", email);
    await open(trader, "/funds");
    await expect(trader.getByTestId("wallet-USD-balance")).toContainText("1000.00");

    // A card to withdraw to.
    await trader.getByRole("tab", { name: "Destinations" }).click();
    await trader.locator("#f-dest-kind").selectOption("bank_card");
    await trader.locator("#f-dest-label").fill("My Visa");
    await trader.locator("#f-dest-number").fill("4242 4242 4242 4242");
    await trader.getByRole("button", { name: "Save destination" }).click();
    await expect(trader.getByTestId("destinations")).toContainText("4242");

    // More than available is refused with a clear message; a valid amount is held.
    await trader.getByRole("tab", { name: "Withdraw" }).click();
    await trader.locator("#f-withdraw-method").selectOption(await optionValue(trader, "#f-withdraw-method", "Bank card (USD)"));
    await trader.locator("#f-withdraw-destination").selectOption(await optionValue(trader, "#f-withdraw-destination", "My Visa"));
    await trader.locator("#f-withdraw-amount").fill("1500");
    await trader.getByRole("button", { name: "Request withdrawal" }).click();
    await expect(trader.locator("#f-withdraw-amount-err")).toContainText("Not enough available funds");
    await shot(trader, "money-withdraw-refused");
    await trader.locator("#f-withdraw-amount").fill("400");
    await trader.getByRole("button", { name: "Request withdrawal" }).click();
    await expect(trader.getByTestId("funds-flash")).toBeVisible();
    await expect(trader.getByTestId("wallet-USD-held")).toContainText("400.00");
    await expect(trader.getByTestId("wallet-USD-available")).toContainText("600.00");

    // Two levels in the demo firm: any administrator, then administrators or finance.
    await approve(admin, "withdrawal", email, 2);
    await open(trader, "/funds");
    await expect(trader.getByTestId("wallet-USD-balance")).toContainText("600.00");
    await expect(trader.getByTestId("wallet-USD-held")).toContainText("0.00");
    await shot(trader, "money-funds");

    // The transactions report shows all of it, and exports it.
    await open(admin, "/admin/transactions");
    await admin.getByRole("searchbox", { name: "Search" }).fill(email);
    const rows = admin.locator("[data-testid^=tx-]");
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: "1000.00" })).toHaveCount(1);
    await expect(rows.filter({ hasText: /[-−]400\.00/ })).toHaveCount(1);
    await shot(admin, "money-transactions");
    const download = admin.waitForEvent("download");
    await admin.getByRole("link", { name: "Export CSV" }).click();
    const csv = fs.readFileSync(await (await download).path(), "utf8");
    expect(csv.split("\n")[0]).toContain("id,entry_id,at,user_id,client,currency,type,amount");
    expect(csv).toContain(",deposit,1000.00,");
    expect(csv).toContain(",withdrawal,-400.00,");

    // Moving the client into the VIP group shows them the VIP-only crypto deposit method.
    await open(trader, "/funds");
    await expect(trader.locator("#f-deposit-method option", { hasText: "Crypto" })).toHaveCount(0);
    await open(admin, "/admin/wallets");
    await admin.getByRole("searchbox", { name: "Search" }).fill(email);
    await admin.getByRole("link", { name: "Mona Money" }).first().click();
    const groupForm = admin.locator("#group-assign-form");
    await groupForm.locator("#f-assign-group").selectOption({ label: "VIP" });
    await groupForm.getByRole("button", { name: "Move to group" }).click();
    await expect(admin.getByTestId("group-done")).toBeVisible();
    await expect(admin.getByTestId("wallet-client")).toContainText("VIP");
    await open(trader, "/funds");
    await expect(trader.locator("#f-deposit-method option", { hasText: "Crypto" })).toHaveCount(1);
  } finally {
    await setRegistrationMethod(admin, "automatic");
  }
});
