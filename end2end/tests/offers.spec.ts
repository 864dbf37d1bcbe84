import { test, expect, Page } from "@playwright/test";
import { approve, asAdmin, lastMailTo, open, registerTrader, setTheme, settled, shot, signIn, uniqueEmail, watch } from "./helpers";

/** The wallet's USD balance on the funds page, in cents. */
async function usdCents(page: Page): Promise<number> {
  await open(page, "/funds");
  const text = (await page.getByTestId("wallet-USD-balance").textContent()) ?? "0";
  return Math.round(Number(text.replace(/[^0-9.-]/g, "")) * 100);
}

// The demo's WELCOME10 takes 10% off once per client: Instant 5K costs 149.00, so 134.10.
test("a promo code's price shows before buying, and the discounted fee leaves the wallet", async ({ page }) => {
  await signIn(page, "trader@propdesk.test", "Trader-demo-2026");
  const before = await usdCents(page);
  await open(page, "/challenges");
  const card = page.getByTestId("challenge-Instant Funding");
  await card.getByLabel("Promo code").fill("nope");
  await card.getByRole("button", { name: "Apply" }).click();
  await expect(card.getByTestId("price-error")).toHaveText("This promo code is not valid now.");
  await card.getByLabel("Promo code").fill("welcome10");
  await card.getByRole("button", { name: "Apply" }).click();
  await expect(card.getByTestId("price-paid")).toHaveText("You pay 134.10 USD");
  await expect(card.getByTestId("price-preview")).toContainText("14.90 USD");
  await shot(page, "offers-preview");
  await card.getByRole("button", { name: "Participate" }).click();
  await expect(page).toHaveURL(/\/my-challenges\/\d+$/);
  expect(await usdCents(page)).toBe(before - 13410);
});

/** A new trader in the VIP group with 500.00 USD, set up by staff in the back office. */
async function vipTrader(admin: Page, trader: Page, email: string) {
  await registerTrader(trader, email);
  // A new client has no wallet yet: find their id in the clients list and open their wallets.
  await open(admin, "/admin/clients");
  await admin.getByRole("searchbox", { name: "Search" }).fill(email);
  const href = await admin.getByRole("link", { name: "Erin Endtoend" }).first().getAttribute("href");
  await open(admin, `/admin/wallets/${href?.split("/").pop()}`);
  const groupForm = admin.locator("#group-assign-form");
  await groupForm.locator("#f-assign-group").selectOption({ label: "VIP" });
  await groupForm.getByRole("button", { name: "Move to group" }).click();
  await expect(admin.getByTestId("group-done")).toBeVisible();
  const adjust = admin.locator("#adjust-form");
  await adjust.locator("#adjust-currency").selectOption("USD");
  await adjust.locator("#adjust-direction").selectOption("deposit");
  await adjust.locator("#adjust-amount").fill("500.00");
  await adjust.locator("#adjust-comment").fill("E2E: coupon test funds");
  await adjust.getByRole("button").click();
  await expect(admin.getByTestId("adjust-done")).toBeVisible();
}

// Staff grant a 20% coupon to the VIP group and write a 10.00 USD promo code that combines with
// it. Instant 5K costs 149.00: the coupon takes 29.80, the code 10.00 of the rest, so 109.20
// is paid. The fee report, the wallet and the coupon's statistics show those figures.
test("a group's coupon and a combinable promo code come off the fee, and staff see the figures", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const email = uniqueEmail("coupon-e2e");
  await vipTrader(admin, trader, email);
  const stamp = Date.now().toString(36).toUpperCase();
  const title = `VIP E2E ${stamp}`;
  const code = `TEN${stamp}`;

  // The coupon: 20%, once per client, for the VIP group.
  await open(admin, "/admin/offers");
  await admin.getByTestId("new-coupon").click();
  const form = admin.getByTestId("coupon-form");
  await form.locator("#coupon-title").fill(title);
  await form.locator("#coupon-body").fill("20% off for our VIP traders");
  await form.locator("#coupon-discount").fill("20%");
  await form.locator("#coupon-per-client").fill("1");
  await form.locator("select[name=audience]").selectOption("groups");
  await form.getByTestId("group-VIP").check();
  await shot(admin, "offers-coupon-editor");
  await form.getByRole("button", { name: "Create and grant" }).click();
  const row = admin.getByTestId(`coupon-${title}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("coupon-used")).toHaveText("0");

  // The promo code: 10.00 USD, once per client, combinable; enabled.
  await admin.getByRole("tab", { name: "Promo codes" }).click();
  await admin.getByTestId("new-promo-code").click();
  const codeForm = admin.getByTestId("promo-code-form");
  await codeForm.locator("#promo-code").fill(code);
  await codeForm.locator("#promo-name").fill("E2E ten off");
  await codeForm.locator("#promo-discount").fill("10.00");
  await codeForm.locator("#promo-per-client").fill("1");
  await codeForm.getByLabel("May be combined with a coupon").check();
  await codeForm.getByRole("button", { name: "Save" }).click();
  const codeRow = admin.getByTestId(`promo-${code}`);
  await expect(codeRow.getByTestId("promo-state")).toHaveText("Not enabled");
  await codeRow.getByTestId("enable").click();
  await expect(codeRow.getByTestId("promo-state")).toHaveText("Enabled");
  await shot(admin, "offers-promo-codes");

  // A notice to the group: it pops up for the trader at once, and stays read once closed.
  await open(admin, "/admin/messages");
  await admin.getByTestId("new-notice").click();
  const notice = admin.getByTestId("notice-form");
  await notice.locator("#notice-title-en").fill(`VIP week ${stamp}`);
  await notice.locator("#notice-body-en").fill("Your 20% coupon is waiting at the checkout.");
  await notice.locator("#notice-link").fill("/challenges");
  await notice.locator("select[name=audience]").selectOption("groups");
  await notice.getByTestId("notice-group-VIP").check();
  await notice.getByRole("button", { name: "Send" }).click();
  await expect(admin.getByTestId(`notice-VIP week ${stamp}`)).toBeVisible();
  await shot(admin, "messages-notices");
  await open(trader, "/");
  const popup = trader.getByTestId("notice-popup");
  await expect(popup).toContainText(`VIP week ${stamp}`);
  await expect(popup).toContainText("Your 20% coupon is waiting at the checkout.");
  await shot(trader, "messages-popup");
  await popup.getByRole("button", { name: "Close" }).click();
  await expect(popup).toHaveCount(0);
  // The page asks for an unread notice once hydrated: wait for the answer before looking.
  const asked = trader.waitForResponse((r) => r.url().endsWith("/api/messages/popup"));
  await open(trader, "/");
  expect((await asked).ok()).toBe(true);
  await expect(trader.getByTestId("notice-popup")).toHaveCount(0);

  // The trader sees the coupon, picks it, types the code and sees both prices.
  await open(trader, "/coupons");
  await expect(trader.getByTestId(`my-coupon-${title}`)).toHaveAttribute("data-state", "valid");
  await shot(trader, "offers-my-coupons");
  await open(trader, "/challenges");
  const card = trader.getByTestId("challenge-Instant Funding");
  await card.locator("select[name=coupon]").selectOption({ label: `${title} · −20%` });
  await card.getByLabel("Promo code").fill(code.toLowerCase());
  await card.getByRole("button", { name: "Apply" }).click();
  await expect(card.getByTestId("price-list")).toHaveText("149.00 USD");
  await expect(card.getByTestId("price-coupon")).toContainText("29.80 USD");
  await expect(card.getByTestId("price-promo")).toContainText("10.00 USD");
  await expect(card.getByTestId("price-paid")).toHaveText("You pay 109.20 USD");
  await shot(trader, "offers-checkout");
  await card.getByRole("button", { name: "Participate" }).click();
  await expect(trader).toHaveURL(/\/my-challenges\/\d+$/);
  expect(await usdCents(trader)).toBe(50000 - 10920);

  // A second use of the code is refused with a clear message, and nothing is charged.
  await open(trader, "/challenges");
  await card.getByLabel("Promo code").fill(code);
  await card.getByRole("button", { name: "Participate" }).click();
  await expect(card.locator("[id$=-promo-err]")).toHaveText("You have already used this promo code as often as it allows.");
  expect(await usdCents(trader)).toBe(50000 - 10920);
  await open(trader, "/coupons");
  await expect(trader.getByTestId(`my-coupon-${title}`)).toHaveAttribute("data-state", "used");

  // Staff: the fee report's before, discount and paid, and the coupon's statistics.
  await open(admin, "/admin/prop-fees");
  await admin.getByRole("searchbox", { name: "Search" }).fill(email);
  const fee = admin.locator('[data-testid^=fee-][data-kind="fee"]').first();
  await expect(fee.getByTestId("fee-before")).toHaveText("149.00");
  await expect(fee.getByTestId("fee-discount")).toContainText("−39.80");
  await expect(fee.getByTestId("fee-discount")).toContainText(`${title} + ${code}`);
  await expect(fee.getByTestId("fee-paid")).toHaveText("109.20 USD");
  await shot(admin, "offers-fee-report");
  await open(admin, "/admin/offers");
  await admin.getByRole("searchbox", { name: "Search" }).fill(title);
  await expect(row.getByTestId("coupon-used")).toHaveText("1");
  await expect(row.getByTestId("coupon-before")).toHaveText("149.00 USD");
  await expect(row.getByTestId("coupon-after")).toHaveText("109.20 USD");
  await shot(admin, "offers-coupons");

  // Staff reword the Spanish approval of a challenge; the trader now reads Spanish, so the
  // approval email of their purchase uses that wording.
  await open(admin, "/admin/messages");
  await admin.getByRole("tab", { name: "Email templates" }).click();
  await admin.getByTestId("template-approved.participation").click();
  await admin.locator("#template-locale").selectOption("es");
  await expect(admin.locator("#template-subject")).not.toHaveValue("");
  await admin.locator("#template-subject").fill(`Desafío {id} aprobado ${stamp}`);
  await admin.locator("#template-body").fill("Hola {name}: su desafío {id} está aprobado. {nombre}");
  await admin.getByTestId("template-form").getByRole("button", { name: "Save" }).click();
  await expect(admin.locator("#template-body-err")).toContainText("placeholder this email does not have");
  await admin.locator("#template-body").fill("Hola {name}:\n\nsu desafío {id} está aprobado. ¡Suerte!");
  await admin.getByRole("button", { name: "Preview" }).click();
  await expect(admin.getByTestId("template-preview")).toContainText("Hola Ana:");
  await admin.getByTestId("template-form").getByRole("button", { name: "Save" }).click();
  await expect(admin.getByTestId("template-saved")).toBeVisible();
  await expect(admin.getByTestId("template-origin")).toHaveText("The firm's wording");
  await shot(admin, "messages-template");
  const language = trader.waitForResponse((r) => r.url().includes("/api/auth/preferences") && r.ok());
  await open(trader, "/");
  await trader.getByRole("combobox", { name: "Language" }).selectOption("es");
  await language;
  await approve(admin, "participation", email);
  // The approval also sends the account-ready notice (and the welcome mail came before): the
  // approval's own email is the one in the firm's Spanish wording.
  const mail = await lastMailTo(email, "¡Suerte!");
  expect(mail).toContain("Hola Erin:");
  expect(mail).toContain("está aprobado. ¡Suerte!");
  await open(admin, "/admin/messages");
  await admin.getByRole("tab", { name: "Mail log" }).click();
  await admin.getByRole("searchbox").fill(email);
  await expect(admin.getByTestId("mail-log")).toContainText(`aprobado ${stamp}`);
  await shot(admin, "messages-mail-log");
});

test("the offers and messages pages hydrate without errors in the dark theme on a narrow screen", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  const adminProblems = watch(admin);
  const traderProblems = watch(trader);
  await asAdmin(admin);
  await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
  for (const page of [admin, trader]) {
    await page.setViewportSize({ width: 390, height: 844 });
  }
  await setTheme(trader, "dark");
  for (const [path, ready] of [["/coupons", "valid-coupons"], ["/challenges", "challenge-Instant Funding"]] as const) {
    await open(trader, path);
    await expect(trader.getByTestId(ready)).toBeVisible();
    await settled(trader);
    await shot(trader, `offers-narrow-dark${path.replace(/\//g, "-")}`);
  }
  await setTheme(trader, "light");
  await setTheme(admin, "dark");
  for (const [path, ready] of [["/admin/offers", "coupons"], ["/admin/messages", "notices"]] as const) {
    await open(admin, path);
    await expect(admin.getByTestId(ready)).toBeVisible();
    await settled(admin);
    await shot(admin, `offers-narrow-dark${path.replace(/\//g, "-")}`);
  }
  await admin.getByRole("tab", { name: "Email templates" }).click();
  await expect(admin.getByTestId("template-editor")).toBeVisible();
  await shot(admin, "messages-narrow-dark-templates");
  await setTheme(admin, "light");
  expect([...adminProblems, ...traderProblems]).toEqual([]);
});
