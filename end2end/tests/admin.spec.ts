import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import { adminSignIn, asAdmin, open, setTheme, shot } from "./helpers";

test("an administrator signs in to the back office with two-factor and manages staff", async ({ page }) => {
  await open(page, "/admin/login");
  await page.getByLabel("Email").fill("trader@propdesk.test");
  await page.getByLabel("Password").fill("Trader-demo-2026");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("This account signs in on the other portal")).toBeVisible();

  await adminSignIn(page);
  await expect(page.getByRole("heading", { name: "Back-office dashboard" })).toBeVisible();
  await expect(page.getByTestId("stat-traders")).toContainText(/\d+/);
  await expect(page.locator("svg.chart rect.bar").first()).toBeAttached();
  await shot(page, "admin-dashboard");

  await page.getByRole("link", { name: "Staff users" }).click();
  await expect(page.getByRole("cell", { name: "admin@propdesk.test" })).toBeVisible();
  await page.getByRole("button", { name: "New staff user" }).click();
  await page.getByLabel("First name").fill("Nina");
  await page.getByLabel("Last name").fill("New");
  await page.getByLabel("Email").fill("nina@localhost");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  const email = `nina.${Date.now()}@propdesk.test`;
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create" }).click();
  const row = page.getByTestId(`staff-${email}`);
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByText("Disabled")).toBeVisible();
  await shot(page, "admin-staff");

  // Tables: search, sort, export.
  await page.getByRole("link", { name: "Clients" }).click();
  await page.getByRole("searchbox", { name: "Search" }).fill("tom");
  await expect(page.getByRole("cell", { name: "trader@propdesk.test" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  expect(csv.split("\n")[0]).toContain("id,kind,email");
  expect(csv).toContain("trader@propdesk.test");

  await page.getByRole("link", { name: "Roles" }).click();
  await expect(page.getByTestId("role-Administrator")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test("the back office in dark mode on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await asAdmin(page);
  await setTheme(page, "dark");
  await page.getByRole("button", { name: "Show or hide the menu" }).click();
  // The drawer holds more than a phone's height: the last areas are a scroll away.
  const staff = page.getByRole("link", { name: "Staff users" });
  await staff.scrollIntoViewIfNeeded();
  await expect(staff).toBeInViewport();
  await shot(page, "admin-phone-dark");
});
