import { test, expect } from "@playwright/test";
import { asAdmin, open, setTheme, shot } from "./helpers";

// What this creates changes nothing other tests see: the group is not the default one, the
// method is disabled, the KYC form inactive, and the rate is limited to the new group and deleted.
test("staff add and edit client groups, methods, rates and KYC forms in the settings", async ({ page }) => {
  const stamp = Date.now();
  await asAdmin(page);

  // Client groups: a list, an editor opened by "New group", closed by saving.
  const group = `E2E group ${stamp}`;
  await open(page, "/admin/settings?tab=groups");
  await page.getByRole("button", { name: "New group" }).click();
  const groupForm = page.locator("#group-form");
  await groupForm.getByRole("button", { name: "Save" }).click();
  await expect(groupForm.getByText("Enter a name of up to 60 characters.")).toBeVisible();
  await groupForm.getByLabel("Group name").fill(group);
  await groupForm.getByRole("button", { name: "Save" }).click();
  await expect(groupForm).toBeHidden();
  const groupRow = page.getByTestId(`group-${group}`);
  await expect(groupRow).toBeVisible();
  await groupRow.getByRole("button", { name: "Edit" }).click();
  await expect(groupForm.getByLabel("Group name")).toHaveValue(group);
  await groupForm.getByLabel("Description").fill("Clients of the e2e run");
  await groupForm.getByRole("button", { name: "Save" }).click();
  await expect(groupRow).toContainText("Clients of the e2e run");
  // Cancel closes the editor without saving.
  await groupRow.getByRole("button", { name: "Edit" }).click();
  await groupForm.getByLabel("Description").fill("never saved");
  await groupForm.getByRole("button", { name: "Cancel" }).click();
  await expect(groupForm).toBeHidden();
  await expect(groupRow).toContainText("Clients of the e2e run");

  // Exchange rates: set one for the group, see it listed, delete it.
  await page.getByRole("tab", { name: "Exchange rates" }).click();
  await page.getByRole("button", { name: "Set a rate" }).click();
  const rateForm = page.locator("#rate-form");
  await rateForm.getByLabel("From currency").selectOption("USD");
  await rateForm.getByLabel("To currency").selectOption("EUR");
  await rateForm.getByLabel("Rate", { exact: true }).fill("-1");
  await rateForm.getByRole("button", { name: "Save rate" }).click();
  await expect(rateForm.locator("#rate-rate-err")).toHaveText("Enter a positive rate with up to 8 decimals.");
  await rateForm.getByLabel("Rate", { exact: true }).fill("0.9125");
  await rateForm.getByLabel("Client group").selectOption({ label: group });
  await rateForm.getByRole("button", { name: "Save rate" }).click();
  await expect(rateForm).toBeHidden();
  const rateRow = page.locator("[data-testid^=rate-USD-EUR-]").filter({ hasText: group });
  await expect(rateRow).toContainText("0.9125");
  await shot(page, "settings-rates");
  await rateRow.getByRole("button", { name: "Delete" }).click();
  await expect(rateRow).toHaveCount(0);

  // Payment methods: a disabled withdrawal method, shown in the list with its fee.
  const method = `E2E payout ${stamp}`;
  await page.getByRole("tab", { name: "Payment methods" }).click();
  await page.getByRole("button", { name: "Add method" }).click();
  const methodForm = page.locator("#method-form");
  await methodForm.getByLabel("Direction").selectOption("withdrawal");
  await methodForm.getByLabel("Method name").fill(method);
  await methodForm.getByLabel("Enabled: clients can use this method").uncheck();
  await methodForm.getByRole("button", { name: "Save" }).click();
  await expect(methodForm).toBeHidden();
  await expect(page.getByTestId(`method-${method}`)).toBeVisible();

  // KYC forms: an inactive form with a field.
  const form = `E2E form ${stamp}`;
  await page.getByRole("tab", { name: "KYC forms" }).click();
  await page.getByRole("button", { name: "New KYC form" }).click();
  const kycForm = page.locator("#kyc-form-editor");
  await kycForm.getByLabel("Form name").fill(form);
  await kycForm.getByLabel("Active: clients can fill in this form").uncheck();
  await kycForm.getByRole("button", { name: "Save" }).click();
  await expect(kycForm.getByText("A form needs at least one field or document.")).toBeVisible();
  await kycForm.getByRole("button", { name: "Add field" }).click();
  await kycForm.getByLabel("Field 1 key").fill("tax_id");
  await kycForm.getByLabel("Field 1 label").fill("Tax number");
  await kycForm.getByRole("button", { name: "Save" }).click();
  await expect(kycForm).toBeHidden();
  await expect(page.getByTestId(`kyc-form-${form}`)).toBeVisible();

  // The sections keep their shape on a phone and in the dark theme.
  await setTheme(page, "dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("tab", { name: "Client groups" }).click();
  await expect(groupRow).toBeVisible();
  await shot(page, "settings-groups-dark-narrow");
  await setTheme(page, "light");

  // A click on the tab already open keeps what was typed in its panel (it once rebuilt the panel
  // from the server). Nothing is saved, so other tests see the setting as it was.
  await page.getByRole("tab", { name: "Approvals" }).click();
  const registration = page.locator("#approval-setting-trader_registration").getByLabel("Approval method");
  const saved = await registration.inputValue();
  const other = saved === "manual" ? "automatic" : "manual";
  await registration.selectOption(other);
  await page.getByRole("tab", { name: "Approvals" }).click();
  await page.waitForTimeout(500);
  await expect(registration).toHaveValue(other);
});
