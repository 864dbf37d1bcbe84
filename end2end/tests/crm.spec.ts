import { test, expect, Page, Browser } from "@playwright/test";
import {
  asAdmin,
  lastMailTo,
  open,
  registerTrader,
  setTheme,
  settled,
  shot,
  signIn,
  staffSignIn,
  uniqueEmail,
  watch,
} from "./helpers";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A server function called with the page's cookies, outside the page. */
async function call(page: Page, path: string, data: string) {
  return page.request.post(path, { headers: FORM, data });
}

/** A client's id by email, as the administrator sees the client list. */
async function clientId(admin: Page, email: string): Promise<number> {
  const r = await call(
    admin,
    "/api/admin/clients",
    `query[page]=0&query[per_page]=5&query[sort]=&query[desc]=false&query[q]=${encodeURIComponent(email)}&query[filter]=`,
  );
  expect(r.ok()).toBeTruthy();
  const page = await r.json();
  const row = page.rows.find((c: { email: string }) => c.email === email);
  expect(row, `${email} in the client list`).toBeTruthy();
  return row.id;
}

async function staffPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await staffSignIn(page, email, "Sales-demo-2026");
  return page;
}

test("a sales agent sees only their own clients in every list, export and queue; their lead sees the team's", async ({ browser, page }) => {
  await asAdmin(page);
  const marco = await clientId(page, "marco.rossi@example.com");
  const agent = await staffPage(browser, "agent.one@propdesk.test");
  const problems = watch(agent);
  await open(agent, "/admin/clients");
  const list = agent.getByTestId("clients");
  await expect(list).toContainText("Tom Trader");
  await expect(list).toContainText("Lena Fischer");
  await expect(list).not.toContainText("Marco Rossi");
  await expect(list).not.toContainText("Carlos Mendez");
  await settled(agent);
  await shot(agent, "crm-clients-agent");
  // The export and the approval queue are the same scope.
  const csv = await (await agent.request.get("/export/clients.csv")).text();
  expect(csv).toContain("trader@propdesk.test");
  expect(csv).not.toContain("marco.rossi@example.com");
  const queue = await call(agent, "/api/approvals/list", "kind=&mine=false&query[page]=0&query[per_page]=100&query[q]=&query[filter]=&query[sort]=&query[desc]=false");
  expect(queue.ok()).toBeTruthy();
  expect(await queue.text()).not.toContain("marco.rossi");
  // Another agent's client: not found, on the page and through the API.
  const r = await call(agent, "/api/crm/client", `id=${marco}`);
  expect(r.status()).toBe(404);
  await open(agent, `/admin/clients/${marco}`);
  await expect(agent.getByText("Not found", { exact: false }).first()).toBeVisible();
  expect(problems.filter((p) => !p.includes("404"))).toEqual([]);

  // The team lead sees both agents' clients, not the unowned pool.
  const lead = await staffPage(browser, "sales.lead@propdesk.test");
  await open(lead, "/admin/clients");
  await expect(lead.getByTestId("clients")).toContainText("Marco Rossi");
  await expect(lead.getByTestId("clients")).toContainText("Tom Trader");
  await expect(lead.getByTestId("clients")).not.toContainText("Carlos Mendez");
  expect((await call(lead, "/api/crm/client", `id=${marco}`)).status()).toBe(200);
});

test("the client's page: owner, tags, notes and activity, in both themes and on a narrow screen", async ({ page }) => {
  await asAdmin(page);
  const tom = await clientId(page, "trader@propdesk.test");
  await open(page, `/admin/clients/${tom}`);
  await expect(page.getByTestId("client-name")).toHaveText("Tom Trader");
  await expect(page.getByTestId("client-notes")).toContainText("Prefers email");
  await page.getByLabel("New tag").fill("VIP");
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByTestId("client-tags")).toContainText("vip");
  await page.getByLabel("New note").fill("Called: wants the two-step challenge.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByTestId("client-notes")).toContainText("wants the two-step");
  await settled(page);
  await shot(page, "crm-client-overview");
  await page.getByTestId("tab-crm.tab_activity").click();
  await expect(page.getByTestId("client-activity")).toContainText("client.tag");
  await shot(page, "crm-client-activity");
  await page.getByTestId("tab-crm.tab_overview").click();
  await setTheme(page, "dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `/admin/clients/${tom}`);
  await settled(page);
  await shot(page, "crm-client-narrow-dark");
  await setTheme(page, "light");
  await page.setViewportSize({ width: 1280, height: 720 });
});

test("a lead converts when its email registers", async ({ browser, page }) => {
  await asAdmin(page);
  const email = uniqueEmail("lead");
  await open(page, "/admin/leads");
  await page.getByTestId("new-lead").click();
  const form = page.getByTestId("lead-form");
  await form.getByLabel("Name").fill("Erin Endtoend");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Source").fill("Webinar");
  await form.getByLabel("Owner").selectOption({ label: "Omar Agent" });
  await form.getByRole("button", { name: "Save" }).click();
  const row = page.getByTestId(`lead-${email}`);
  await expect(row.getByTestId("lead-status")).toHaveText("New");
  await settled(page);
  await shot(page, "crm-leads");

  const visitor = await (await browser.newContext()).newPage();
  await registerTrader(visitor, email);
  await open(page, "/admin/leads");
  await expect(page.getByTestId(`lead-${email}`).getByTestId("lead-status")).toHaveText("Converted");
  // The client is the lead's owner's.
  await page.getByTestId(`lead-${email}`).getByRole("link", { name: "Erin Endtoend" }).click();
  await expect(page.getByTestId("client-name")).toHaveText("Erin Endtoend");
  await expect(page.getByLabel("Owner")).toHaveValue(/\d+/);
  await expect(page.getByLabel("Owner").locator("option:checked")).toHaveText("Omar Agent");
});

test("a task's reminder reaches the bell, and the task is on the calendar", async ({ page }) => {
  await asAdmin(page);
  await open(page, "/admin/tasks");
  await page.getByTestId("new-task").click();
  const form = page.getByTestId("task-form");
  const title = `Call back ${Date.now()}`;
  await form.getByLabel("Task").fill(title);
  const due = new Date(Date.now() + 60_000).toISOString().slice(0, 16);
  await form.getByLabel("Due (UTC)").fill(due);
  await form.getByLabel("Reminder").selectOption({ label: "15 minutes before" });
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("tasks")).toContainText(title);
  // The reminder job runs every half minute; the bell follows the live stream.
  await page.getByRole("button", { name: "Notifications" }).click();
  await expect(page.locator(".dropdown-menu")).toContainText(title, { timeout: 75_000 });
  await page.getByRole("button", { name: "Notifications" }).click();
  await page.getByTestId("tab-crm.tasks_calendar").click();
  await expect(page.getByTestId("task-calendar")).toContainText(title);
  await settled(page);
  await shot(page, "crm-tasks-calendar");
});

test("a suspended client is signed out at once and cannot sign in", async ({ browser, page }) => {
  const email = uniqueEmail("suspended");
  const trader = await (await browser.newContext()).newPage();
  await registerTrader(trader, email);
  await asAdmin(page);
  const id = await clientId(page, email);
  await open(page, `/admin/clients/${id}`);
  await page.getByTestId("suspend").click();
  await page.getByLabel("Reason for the suspension").fill("Chargeback on the last deposit");
  await page.getByRole("button", { name: "Suspend the client" }).click();
  await expect(page.getByTestId("client-status")).toHaveText("Disabled");
  await open(trader, "/");
  await expect(trader).toHaveURL(/\/login/);
  await trader.getByLabel("Email").fill(email);
  await trader.getByLabel("Password").fill("e2e-password-1");
  await trader.getByRole("button", { name: "Sign in" }).click();
  await expect(trader.getByText("This account is disabled", { exact: false })).toBeVisible();
});

test("with verified sign-up on, a new client enters the emailed code before signing in", async ({ browser, page }) => {
  await asAdmin(page);
  const setVerify = async (on: boolean) => {
    await open(page, "/admin/settings?tab=security");
    const box = page.getByLabel("New clients verify their email", { exact: false });
    if ((await box.isChecked()) !== on) await box.click();
    await page.locator("#security-settings-form").getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#security-settings-form").getByText("Saved")).toBeVisible();
  };
  await setVerify(true);
  await settled(page);
  await shot(page, "settings-security");
  try {
    const email = uniqueEmail("verify");
    const visitor = await (await browser.newContext()).newPage();
    await open(visitor, "/register");
    await visitor.getByLabel("First name").fill("Vera");
    await visitor.getByLabel("Last name").fill("Verify");
    await visitor.getByLabel("Email").fill(email);
    await visitor.getByLabel("Password", { exact: true }).fill("e2e-password-1");
    await visitor.getByLabel("Country").fill("GB");
    await visitor.getByLabel("Phone").fill("+44 7700 900456");
    await visitor.getByRole("button", { name: "Create an account" }).click();
    await expect(visitor).toHaveURL(/\/verify-email\?email=/);
    await visitor.locator("body[data-hydrated]").waitFor();
    // Signing in first is refused, with the way to the code.
    await open(visitor, "/login");
    await visitor.getByLabel("Email").fill(email);
    await visitor.getByLabel("Password").fill("e2e-password-1");
    await visitor.getByRole("button", { name: "Sign in" }).click();
    await expect(visitor.getByText("Verify your email first", { exact: false })).toBeVisible();
    await visitor.getByTestId("go-verify").click();
    await visitor.locator("body[data-hydrated]").waitFor();
    // A wrong code is refused; the emailed one opens the account.
    await visitor.getByLabel("Code").fill("000000");
    await visitor.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(visitor.getByText("That code is not right", { exact: false })).toBeVisible();
    const mail = await lastMailTo(email, "code=");
    const code = /code=(\d{6})/.exec(mail)![1];
    await visitor.getByLabel("Code").fill(code);
    await visitor.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(visitor.getByTestId("verified")).toBeVisible();
    await shot(visitor, "verify-email-done");
    await signIn(visitor, email, "e2e-password-1");
  } finally {
    await setVerify(false);
  }
});

test("a sign-in from a new country emails the client and alerts staff", async ({ browser, page }) => {
  const email = uniqueEmail("traveller");
  const home = await (await browser.newContext({ extraHTTPHeaders: { "X-Test-Country": "PT" } })).newPage();
  await registerTrader(home, email);
  const abroad = await (await browser.newContext({ extraHTTPHeaders: { "X-Test-Country": "BR" } })).newPage();
  await signIn(abroad, email, "e2e-password-1");
  const mail = await lastMailTo(email, "Country: BR");
  expect(mail).toContain("a country or device we had not seen before");
  // The client sees both sessions and can end the other.
  await open(abroad, "/profile");
  await expect(abroad.getByTestId("sessions")).toContainText("This device");
  await settled(abroad);
  await shot(abroad, "portal-profile-sessions");
  await asAdmin(page);
  await open(page, "/admin/alerts");
  await page.getByTestId("alerts-source").selectOption("security");
  const alert = page.locator("[data-source=security]").filter({ hasText: "Erin Endtoend" }).first();
  await expect(alert).toContainText("BR");
  await shot(page, "alerts-security");
});
