import { test, expect, Page } from "@playwright/test";
import { open, shot, registerTrader, setTheme, uniqueEmail, lastMailTo, expectNoRawKeys } from "./helpers";

/** Chooses a language from the menu and waits until the preference is saved. */
async function setLanguage(page: Page, menu: string, code: string) {
  const saved = page.waitForResponse((r) => r.url().includes("/api/auth/preferences") && r.ok());
  await page.getByRole("combobox", { name: menu }).selectOption(code);
  await saved;
}

test("a new trader registers, sees the dashboard, switches theme and language, and signs out", async ({ page }) => {
  // The wasm carries no translations. A first visit (registration, then the dashboard) loads the
  // first part of its language's table; the rest comes with the first other area opened, and
  // another language only on a switch.
  const tables = new Set<string>();
  page.on("request", (r) => {
    if (r.url().includes("/i18n/")) tables.add(new URL(r.url()).pathname);
  });
  const email = uniqueEmail("trader");
  await registerTrader(page, email);
  await expect(page.getByRole("heading", { name: "Welcome, Erin" })).toBeVisible();
  await expect(page.getByTestId("user-id")).toContainText(/\d+/);
  await expect(page.getByTestId("referral-code")).toContainText(/[A-Z0-9]{8}/);
  await shot(page, "portal-dashboard-light");

  // Theme: dark, remembered for this user across a reload.
  await setTheme(page, "dark");
  await open(page, "/");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await shot(page, "portal-dashboard-dark");

  expect([...tables]).toEqual(["/i18n/en.json"]);
  await expectNoRawKeys(page);
  // Another area, through the menu (no reload): its text arrives with its code.
  await page.getByRole("link", { name: "Funds" }).first().click();
  await expect(page.getByText("Your wallets, deposits, withdrawals and transfers.")).toBeVisible();
  expect(tables).toContain("/i18n/en-rest.json");
  await expectNoRawKeys(page);

  // Language: Spanish everywhere, remembered too; the rest already asked for, both parts load.
  await setLanguage(page, "Language", "es");
  expect(tables).toContain("/i18n/es.json");
  expect(tables).toContain("/i18n/es-rest.json");
  await expect(page.getByText("Tus billeteras, depósitos, retiros y transferencias.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Panel" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await open(page, "/profile");
  await expect(page.getByRole("heading", { name: "Perfil y seguridad" })).toBeVisible();
  await expectNoRawKeys(page);
  await shot(page, "portal-profile-es-dark");
  await setLanguage(page, "Idioma", "en");
  await setTheme(page, "light");

  // Notifications: the welcome message is waiting.
  await page.getByRole("button", { name: "Notifications" }).click();
  await expect(page.getByText("Welcome to PropDesk!").first()).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await open(page, "/");
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("a page of a lazily loaded area, opened directly, hydrates at once, even when the rest of the translations fails", async ({ page }) => {
  await registerTrader(page, uniqueEmail("lazy"));
  // The server names the lazily loaded pages it drew; the browser loads them before it hydrates.
  await open(page, "/funds");
  await expect(page.locator("template#rendered-pages")).toHaveAttribute("data-pages", "trader_money::Funds");
  await open(page, "/");
  await expect(page.locator("template#rendered-pages")).toHaveAttribute("data-pages", "");

  // The rest of the table fails: the page still hydrates and answers, with the server's text.
  await page.route("**/i18n/en-rest.json", (r) => r.abort());
  await open(page, "/funds");
  await expect(page.getByText("Your wallets, deposits, withdrawals and transfers.")).toBeVisible();
  await page.getByRole("tab", { name: "Destinations" }).click();
  await expect(page.locator("#f-dest-label")).toBeVisible();

  // Once it answers again, the next page of the area draws its text (no raw keys).
  await page.unroute("**/i18n/en-rest.json");
  await page.getByRole("link", { name: "Transactions" }).first().click();
  await expect(page.getByRole("columnheader", { name: "Description" })).toBeVisible();
  await expectNoRawKeys(page);
});

test("registration and sign-in show clear errors beside the fields", async ({ page }) => {
  await open(page, "/register");
  await page.getByLabel("First name").fill("Bad");
  await page.getByLabel("Last name").fill("Input");
  await page.getByLabel("Email").fill("not-an-email@x");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Country").fill("Britain");
  await page.getByLabel("Phone").fill("12345");
  await page.getByRole("button", { name: "Create an account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("The password needs at least 10 characters.")).toBeVisible();
  await expect(page.getByText("Use the two-letter country code")).toBeVisible();
  await expect(page.getByText("Use the international format")).toBeVisible();
  await shot(page, "register-errors");

  await open(page, "/login");
  await page.getByLabel("Email").fill("trader@propdesk.test");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
});

test("a forgotten password is reset through the emailed link", async ({ page }) => {
  const email = uniqueEmail("reset");
  await registerTrader(page, email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await open(page, "/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText("a link is on its way")).toBeVisible();
  const body = await lastMailTo(email, "reset-password?token=");
  const link = body.match(/https?:\/\/\S+reset-password\?token=[0-9a-f]{64}/)![0];
  await open(page, new URL(link).pathname + new URL(link).search);
  await page.getByLabel("New password").fill("brand-new-password");
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page.getByText("Your password is saved.")).toBeVisible();
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("brand-new-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, Erin" })).toBeVisible();
});

test("the portal works on a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await registerTrader(page, uniqueEmail("phone"));
  const nav = page.getByRole("complementary", { name: "Main menu" });
  await page.getByRole("button", { name: "Show or hide the menu" }).click();
  await expect(nav.getByRole("link", { name: "Profile & security" })).toBeInViewport();
  await shot(page, "portal-phone-menu");
  await nav.getByRole("link", { name: "Profile & security" }).click();
  await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();
  await shot(page, "portal-phone-profile");
});

test("an IB sees the IB area with their referral link and clients", async ({ page }) => {
  await open(page, "/login");
  await page.getByLabel("Email").fill("ib@propdesk.test");
  await page.getByLabel("Password").fill("Ib-demo-2026!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "IB area", exact: true }).click();
  await expect(page.getByTestId("referral-link")).toContainText("/register?ref=");
  await shot(page, "ib-area");
  // The clients are one tab further: the whole tree, level by level.
  await page.getByRole("link", { name: "My Clients" }).click();
  await expect(page.getByTestId("ib-clients")).toContainText("Tom Trader");
});

test("what a user types before the page hydrates is kept, on both sign-in pages", async ({ page }) => {
  for (const [url, email, password] of [
    ["/login", "trader@propdesk.test", "Trader-demo-2026"],
    ["/admin/login", "finance@propdesk.test", "Finance-demo-2026"],
  ]) {
    // Hold the wasm back until the user has typed, as a slow connection would.
    let release = () => {};
    const typed = new Promise<void>((r) => (release = r));
    await page.route("**/pkg/*.wasm", async (route) => {
      await typed;
      await route.continue();
    });
    await page.goto(url);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    expect(await page.locator("body[data-hydrated]").count()).toBe(0);
    release();
    await page.locator("body[data-hydrated]").waitFor();
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue(password);
    await page.unroute("**/pkg/*.wasm");
  }
  // The portal's form, typed before hydration, signs in.
  await page.goto("/login");
  await page.getByLabel("Email").fill("trader@propdesk.test");
  await page.getByLabel("Password").fill("Trader-demo-2026");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("signing in and registering work without the wasm (a plain form post)", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login?next=/profile");
  await page.getByLabel("Email").fill("trader@propdesk.test");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await page.getByLabel("Email").fill("trader@propdesk.test");
  await page.getByLabel("Password").fill("Trader-demo-2026");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Only a signed-in client reaches /profile (the guard sends anyone else to /login). Without
  // the wasm the page's streamed parts may stay placeholders, so the session is read directly.
  await expect(page).toHaveURL(/\/profile$/);
  expect(JSON.stringify(await (await page.request.post("/api/auth/me")).json())).toContain("trader@propdesk.test");

  const fresh = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await fresh.goto("/register");
  await fresh.getByLabel("First name").fill("Nora");
  await fresh.getByLabel("Last name").fill("Script");
  const email = uniqueEmail("nojs");
  await fresh.getByLabel("Email").fill(email);
  await fresh.getByLabel("Password", { exact: true }).fill("e2e-password-1");
  await fresh.getByLabel("Country").fill("GB");
  await fresh.getByLabel("Phone").fill("+44 7700 900458");
  await fresh.getByRole("button", { name: "Create an account" }).click();
  await expect(fresh).toHaveURL(/\/$/);
  expect(JSON.stringify(await (await fresh.request.post("/api/auth/me")).json())).toContain(email);
});
