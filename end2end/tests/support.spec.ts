import { test, expect, Page, Browser } from "@playwright/test";
import { asAdmin, lastMailTo, open, registerTrader, setTheme, settled, shot, uniqueEmail, watch } from "./helpers";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const PDF = Buffer.from("%PDF-1.4\n% a bank receipt\n%%EOF\n");

async function newTrader(browser: Browser, prefix: string): Promise<{ page: Page; email: string }> {
  const page = await (await browser.newContext()).newPage();
  const email = uniqueEmail(prefix);
  await registerTrader(page, email);
  return { page, email };
}

test("a client opens a ticket with a PDF, staff reply and resolve it, the client sees the reply at once and by email", async ({ browser, page }) => {
  const { page: client, email } = await newTrader(browser, "ticket");
  const problems = watch(client);
  const subject = `Deposit missing ${Date.now()}`;
  await open(client, "/support");
  await client.getByTestId("new-ticket").click();
  await client.locator("#f-ticket-category").selectOption("payments");
  await client.locator("#f-ticket-subject").fill(subject);
  await client.locator("#f-ticket-body").fill("I paid 500 USD by bank transfer on Monday; the receipt is attached.");
  const uploaded = client.waitForResponse((r) => r.url().includes("/api/files/upload") && r.ok());
  await client.locator("#f-ticket-file").setInputFiles({ name: "receipt.pdf", mimeType: "application/pdf", buffer: PDF });
  await uploaded;
  await client.getByRole("button", { name: "Send", exact: true }).click();
  await expect(client).toHaveURL(/\/support\/\d+$/);
  const ticketUrl = client.url();
  await expect(client.getByTestId("ticket-subject")).toHaveText(subject);
  await expect(client.getByTestId("attachment")).toHaveText("receipt.pdf");
  await expect(client.getByTestId("ticket-status")).toHaveAttribute("data-status", "open");

  // Staff find it in the queue and open it; the file opens for them.
  await asAdmin(page);
  await open(page, "/admin/tickets");
  const row = page.getByTestId(`queue-${subject}`);
  await expect(row).toContainText(email);
  await settled(page);
  await shot(page, "support-queue");
  await row.getByRole("link", { name: subject }).click();
  await expect(page.getByTestId("ticket-subject")).toHaveText(subject);
  const href = await page.getByTestId("attachment").getAttribute("href");
  const file = await page.request.get(href!);
  expect(file.ok()).toBeTruthy();
  expect((await file.body()).subarray(0, 5).toString()).toBe("%PDF-");

  // The client writing again redraws the conversation on staff's open page, live, and leaves
  // the reply staff are typing as it was, focus included.
  const draft = page.locator("#f-answer-body");
  await draft.fill("Checking the statement");
  const id = ticketUrl.split("/").pop();
  const more = await client.request.post("/api/support/tickets/reply", { headers: FORM, data: `reply[ticket_id]=${id}&reply[body]=Any news?` });
  expect(more.ok()).toBeTruthy();
  await expect(page.getByTestId("message").last()).toContainText("Any news?", { timeout: 5_000 });
  await expect(draft).toHaveValue("Checking the statement");
  await expect(draft).toBeFocused();

  // An internal note stays with staff.
  await page.locator("#f-answer-body").fill("Asked finance to match it with the statement.");
  await page.getByLabel("Internal note (the client does not see it)").check();
  await page.getByRole("button", { name: "Add the note" }).click();
  await expect(page.getByTestId("note")).toContainText("Asked finance");
  // The reply reaches the client's open page without a reload, and their inbox.
  await page.getByLabel("Internal note (the client does not see it)").uncheck();
  await page.locator("#f-answer-body").fill("Found it: 500 USD is in your wallet now.");
  await page.getByRole("button", { name: "Send the reply" }).click();
  await expect(page.getByTestId("ticket-status").first()).toHaveAttribute("data-status", "waiting");
  await expect(client.getByTestId("message").last()).toContainText("Found it: 500 USD", { timeout: 5_000 });
  expect(client.url()).toBe(ticketUrl);
  await expect(client.getByTestId("thread")).not.toContainText("Asked finance");
  await expect(client.getByTestId("ticket-status")).toHaveAttribute("data-status", "waiting");
  const mail = await lastMailTo(email, subject);
  expect(mail).toContain(subject);
  await settled(page);
  await shot(page, "support-ticket-staff");

  // Staff resolve it.
  await page.locator("#f-ticket-status").selectOption("resolved");
  await page.locator("#f-ticket-priority").selectOption("high");
  await page.getByTestId("handling-form").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("ticket-status").first()).toHaveAttribute("data-status", "resolved");
  await expect(client.getByTestId("ticket-status")).toHaveAttribute("data-status", "resolved", { timeout: 5_000 });

  // The client's page in the dark theme and on a phone.
  await setTheme(client, "dark");
  await client.setViewportSize({ width: 390, height: 844 });
  await settled(client);
  await shot(client, "support-ticket-client-dark-narrow");
  await setTheme(client, "light");
  expect(problems).toEqual([]);

  // Another client cannot read or answer it.
  const { page: other } = await newTrader(browser, "nosy");
  const r = await other.request.post("/api/support/tickets/reply", { headers: FORM, data: `reply[ticket_id]=${id}&reply[body]=mine` });
  expect(r.status()).toBe(404);
  await open(other, `/support/${id}`);
  await expect(other.locator(".alert-error")).toBeVisible();
});

test("a client sees their group's downloads and not another group's", async ({ browser, page }) => {
  await asAdmin(page);
  await open(page, "/admin/downloads");
  await expect(page.getByTestId("entry-VIP playbook")).toBeVisible();
  await settled(page);
  await shot(page, "downloads-admin");
  const entries = await (await page.request.post("/api/support/downloads", { headers: FORM, data: "" })).json();
  const vip = entries.find((e: { title_en: string }) => e.title_en === "VIP playbook");
  expect(vip.group_ids.length).toBe(1);

  // A client of the default group: the platforms and guides, not the VIP's.
  const { page: plain } = await newTrader(browser, "plain");
  await open(plain, "/downloads");
  const centre = plain.getByTestId("download-centre");
  await expect(centre).toContainText("Desktop terminal for Windows");
  await expect(centre).toContainText("Getting started");
  await expect(centre).not.toContainText("VIP playbook");
  await settled(plain);
  await shot(plain, "downloads-client");
  const hidden = await plain.request.get(`/downloads/${vip.id}`, { maxRedirects: 0 });
  expect(hidden.status()).toBe(404);
  const guide = plain.getByTestId("download-Getting started").getByRole("link", { name: "Download" });
  const got = await plain.request.get((await guide.getAttribute("href"))!);
  expect(got.ok()).toBeTruthy();
  expect(got.headers()["content-disposition"]).toContain("getting-started.pdf");

  // Moved into the VIP group, the same client sees the VIP's guide and downloads it, counted.
  const { page: vipClient, email } = await newTrader(browser, "vip");
  const me = await (await vipClient.request.post("/api/auth/me", { headers: FORM, data: "" })).json();
  const moved = await page.request.post("/api/settings/groups/assign", { headers: FORM, data: `user_id=${me.id}&group_id=${vip.group_ids[0]}` });
  expect(moved.ok(), `${email}: ${await moved.text()}`).toBeTruthy();
  await open(vipClient, "/downloads");
  await expect(vipClient.getByTestId("download-centre")).toContainText("VIP playbook");
  const before = vip.downloads;
  const r = await vipClient.request.get(`/downloads/${vip.id}`);
  expect(r.ok()).toBeTruthy();
  const after = (await (await page.request.post("/api/support/downloads", { headers: FORM, data: "" })).json()).find(
    (e: { id: number }) => e.id === vip.id,
  );
  expect(after.downloads).toBe(before + 1);
});
