import { test, expect } from "@playwright/test";
import { asAdmin, open, setTheme, shot } from "./helpers";

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
