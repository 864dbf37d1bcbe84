import { test, expect } from "@playwright/test";
import * as crypto from "crypto";
import { approve, asAdmin, open, saveAndPublish, setTheme, shot, signIn } from "./helpers";

// Staff register a bridge server (its secret shown once), and the challenge editor offers it
// for a stage and refuses a stage it cannot serve, beside the stage's field.
test("a bridge server is registered with its secret and a challenge stage is put on it", async ({ page }) => {
  test.setTimeout(120_000);
  await asAdmin(page);
  await open(page, "/admin/servers");
  await expect(page.getByTestId("server-Simulator")).toContainText("Any");
  const name = `E2E Bridge ${Date.now()}`;
  await page.getByRole("button", { name: "Register a bridge server" }).click();
  const form = page.locator("#server-form");
  await form.locator("#server-name").fill(name);
  await form.locator("#server-leverages").fill("0");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.locator("#server-leverages-err")).toHaveText("Give leverages from 1 to 1000, comma-separated.");
  await form.locator("#server-leverages").fill("30, 100");
  await form.locator("#server-groups").fill("demo\\prop-usd");
  await form.getByRole("button", { name: "Save" }).click();
  const secret = page.getByTestId("server-secret");
  await expect(secret).toContainText("shown only this once");
  await expect(secret.locator("code")).toHaveText(/^[0-9a-f]{64}$/);
  const row = page.getByTestId(`server-${name}`);
  await expect(row).toContainText("USD");
  await expect(row).toContainText("1:30, 1:100");
  await expect(row.getByTestId("commands-waiting")).toHaveText("0");
  await shot(page, "servers");

  // The editor: the template's third stage is live, and the new server runs demo accounts.
  await open(page, "/admin/challenges");
  await page.getByTestId("chal-new").click();
  await page.locator("body[data-hydrated]").waitFor();
  await page.locator('input[name="name"]').fill(`On ${name}`);
  await page.getByTestId("chal-step-2").click();
  const server = (j: number) => page.locator(`select[name="packages.0.stages.${j}.server_id"]`);
  await expect(server(0).locator("option", { hasText: name })).toHaveCount(1);
  for (const j of [0, 1, 2]) await server(j).selectOption({ label: name });
  await page.getByTestId("chal-save").click();
  await expect(page.locator("#chal-packages-0-stages-2-server_id-err")).toHaveText(
    "This server runs accounts of the other environment (demo or live).",
  );
  await server(2).selectOption({ label: "Simulator" });
  await page.getByTestId("chal-save").click();
  await expect(page).toHaveURL(/\/admin\/challenges\/\d+$/);
  await page.getByTestId("chal-step-2").click();
  await expect(server(0).locator("option:checked")).toHaveText(name);
  await expect(server(2).locator("option:checked")).toHaveText("Simulator");
});

test("the servers page reads on a narrow screen in the dark theme", async ({ page }) => {
  await asAdmin(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, "/admin/servers");
  await setTheme(page, "dark");
  await expect(page.getByTestId("server-Simulator")).toBeVisible();
  await shot(page, "servers-narrow-dark");
  await setTheme(page, "light");
});

/** Headers of a signed bridge request: HMAC-SHA256 of timestamp, nonce and body, keyed with the secret. */
function bridgeHeaders(name: string, secret: string, body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000).toString();
  const nonce = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
  const sig = crypto.createHmac("sha256", Buffer.from(secret, "hex")).update(`${ts}\n${nonce}\n${body}`).digest("hex");
  return { "x-bridge": name, "x-timestamp": ts, "x-nonce": nonce, "x-signature": sig, "content-type": "application/json" };
}

// The test plays the platform's bridge: a trader buys a challenge whose first stage runs on a
// bridge server, sees the account being opened, and the credentials appear, without a reload,
// when the bridge acknowledges the create command with the platform's login and password.
test("a bridged stage account opens when the bridge acknowledges it", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const name = `E2E Platform ${Date.now()}`;
  await open(admin, "/admin/servers");
  await admin.getByRole("button", { name: "Register a bridge server" }).click();
  await admin.locator("#server-name").fill(name);
  await admin.locator("#server-form").getByRole("button", { name: "Save" }).click();
  const secret = (await admin.getByTestId("server-secret").locator("code").textContent()) ?? "";
  const bridge = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  await expect(admin.getByTestId(`server-${name}`)).toContainText(bridge);

  // A challenge whose first stage runs on it (the template's other stages on the simulator).
  const challenge = `Bridged ${Date.now()}`;
  await open(admin, "/admin/challenges");
  await admin.getByTestId("chal-new").click();
  await admin.locator("body[data-hydrated]").waitFor();
  await admin.locator('input[name="name"]').fill(challenge);
  await admin.getByTestId("chal-step-2").click();
  await admin.locator('select[name="packages.0.stages.0.server_id"]').selectOption({ label: name });
  await saveAndPublish(admin);

  await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
  await open(trader, "/challenges");
  await trader.getByTestId(`challenge-${challenge}`).getByRole("button", { name: "Participate" }).click();
  await expect(trader).toHaveURL(/\/my-challenges\/\d+$/);
  const url = trader.url();
  await approve(admin, "participation", "trader@propdesk.test");
  await open(trader, url);
  await expect(trader.getByTestId("account-opening")).toContainText(`being opened on ${name}`);
  await expect(trader.getByTestId("credentials")).toHaveCount(0);
  await shot(trader, "bridge-account-opening");

  // The bridge pulls its commands and acknowledges the create with the platform's login.
  const pulled = await trader.request.get("/bridge/v1/commands", { headers: bridgeHeaders(bridge, secret, "") });
  expect(pulled.status()).toBe(200);
  const commands = (await pulled.json()).commands as { id: number; kind: string; payload: Record<string, unknown> }[];
  expect(commands.map((c) => c.kind)).toEqual(["create"]);
  expect(commands[0].payload.currency).toBe("USD");
  const login = `E2E${Date.now() % 100_000_000}`;
  const body = JSON.stringify({ login, password: "Platform-pw-9" });
  const acked = await trader.request.post(`/bridge/v1/commands/${commands[0].id}/ack`, {
    headers: bridgeHeaders(bridge, secret, body),
    data: body,
  });
  expect(acked.status(), await acked.text()).toBe(200);
  await expect(trader.getByTestId("account-login")).toHaveText(login, { timeout: 5_000 });
  await trader.getByTestId("credentials").getByRole("button", { name: "Show" }).click();
  await expect(trader.getByTestId("account-password")).toHaveText("Platform-pw-9");
  await expect(trader.getByTestId("account-env")).toHaveText(`${name} · Demo`);
  await shot(trader, "bridge-account-open");
  await open(admin, "/admin/servers");
  await expect(admin.getByTestId(`server-${name}`).getByTestId("commands-waiting")).toHaveText("0");
});
