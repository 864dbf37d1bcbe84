import { test, expect, Page } from "@playwright/test";
import { open, shot, signIn } from "./helpers";

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
