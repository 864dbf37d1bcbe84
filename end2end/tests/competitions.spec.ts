import { test, expect, Page, Browser } from "@playwright/test";
import { asAdmin, open, registerTrader, setPrice, setTheme, settled, shot, uniqueEmail, watch } from "./helpers";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A UTC time `minutes` from now, as a datetime-local input takes it. */
function utc(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);
}

async function call(page: Page, path: string, data: string) {
  const r = await page.request.post(path, { headers: FORM, data });
  expect(r.ok(), `${path}: ${await r.text()}`).toBeTruthy();
  return r.json();
}

/** A fresh trader with 100 USD in their wallet (a staff adjustment). */
async function fundedTrader(browser: Browser, admin: Page, prefix: string): Promise<{ page: Page; email: string; id: number }> {
  const page = await (await browser.newContext()).newPage();
  const email = uniqueEmail(prefix);
  await registerTrader(page, email);
  const me = await call(page, "/api/auth/me", "");
  await call(admin, "/api/wallets/adjust", `idempotency_key=fund-${me.id}&user_id=${me.id}&currency=USD&direction=deposit&amount=100&comment=competition`);
  return { page, email, id: me.id };
}

async function usd(page: Page): Promise<string> {
  await open(page, "/funds");
  return ((await page.getByTestId("wallet-USD-balance").textContent()) ?? "").trim();
}

async function buy(page: Page, competition: number, lots: string) {
  const board = await call(page, "/api/competitions/board", `id=${competition}`);
  await call(page, "/api/trade/open", `account_id=${board.mine.account_id}&symbol=EURUSD&side=buy&volume=${lots}&stop_loss=&take_profit=`);
}

test("a trader joins paying from the wallet, climbs the board as the price moves, a suspended entrant leaves it, and the winners are paid once", async ({ browser, page }) => {
  await asAdmin(page);
  await setPrice(page, "1.08500");
  const name = `Sprint ${Date.now()}`;
  await open(page, "/admin/competitions");
  await page.getByTestId("new-competition").click();
  await page.locator("#f-comp-name").fill(name);
  await page.locator("#f-comp-rules-en").fill("Best return on EURUSD wins.");
  await page.locator("#f-comp-reg-start").fill(utc(-10));
  await page.locator("#f-comp-reg-end").fill(utc(60));
  await page.locator("#f-comp-start").fill(utc(-5));
  await page.locator("#f-comp-end").fill(utc(120));
  await page.locator("#f-comp-fee").fill("10.00");
  await page.locator("#f-comp-balance").fill("10000.00");
  await page.locator("#f-comp-prizes").fill("1 100\n2 50");
  await page.getByLabel("Published (clients of its groups see it)").check();
  await page.getByTestId("competition-form").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId(`comp-${name}`)).toBeVisible();
  const all = await call(page, "/api/competitions", "");
  const id = all.find((c: { name: string }) => c.name === name).id;

  // A rival joins first (so ties go to them) and buys a tenth of a lot.
  const rival = await fundedTrader(browser, page, "rival");
  await call(rival.page, "/api/competitions/join", `id=${id}`);
  await buy(rival.page, id, "0.1");

  // The trader finds it, joins paying 10.00 USD from the wallet, and buys a lot on the page.
  const trader = await fundedTrader(browser, page, "climber");
  const problems = watch(trader.page);
  await open(trader.page, "/competitions");
  await trader.page.getByTestId(`competition-${name}`).click();
  await expect(trader.page.getByTestId("competition-name")).toHaveText(name);
  await trader.page.getByTestId("join").click();
  await expect(trader.page.getByTestId("my-rank")).toHaveText("#2");
  const volume = trader.page.locator("#c-volume");
  await volume.fill("1");
  await trader.page.getByTestId("buy").click();
  await expect(trader.page.getByTestId("positions")).toContainText("EURUSD");

  // A third buys two lots: they would lead, until staff suspend them.
  const cheat = await fundedTrader(browser, page, "cheat");
  await call(cheat.page, "/api/competitions/join", `id=${id}`);
  await buy(cheat.page, id, "2");

  // 50 pips up: the open page moves without a reload, and the order ticket keeps what the
  // trader is typing, focus included.
  await volume.fill("2");
  await setPrice(page, "1.09000");
  await expect(trader.page.getByTestId("my-rank")).toHaveText("#2", { timeout: 5_000 });
  await expect(trader.page.getByTestId("my-score")).toHaveText("5%");
  await expect(volume).toHaveValue("2");
  await expect(volume).toBeFocused();
  await expect(trader.page.getByTestId("board-1")).not.toContainText("You");

  await open(page, `/admin/competitions/${id}`);
  await page.getByTestId("suspend-reason").fill("Trading from two accounts");
  await page.getByTestId(`entrant-${cheat.email}`).getByTestId("suspend").click();
  await expect(page.getByTestId(`entrant-${cheat.email}`)).toContainText("Suspended");
  await expect(trader.page.getByTestId("my-rank")).toHaveText("#1", { timeout: 5_000 });
  await expect(trader.page.getByTestId("board-1")).toContainText("You");
  await expect(trader.page.getByTestId("board")).not.toContainText(cheat.email);
  await open(cheat.page, `/competitions/${id}`);
  await expect(cheat.page.getByTestId("suspended")).toContainText("Trading from two accounts");
  await expect(cheat.page.getByTestId("my-rank")).toHaveText("—");
  await settled(page);
  await shot(page, "competition-desk");

  // The end: 100 to the trader, 50 to the rival, nothing to the suspended; once.
  await page.getByTestId("end-now").click();
  await expect(page.getByTestId("prizes-paid")).toHaveText("150.00 USD");
  await expect(trader.page.getByTestId("my-prize")).toContainText("100.00 USD", { timeout: 5_000 });
  await setTheme(trader.page, "dark");
  await trader.page.setViewportSize({ width: 390, height: 844 });
  await settled(trader.page);
  await shot(trader.page, "competition-board-dark-narrow");
  await setTheme(trader.page, "light");
  expect(problems).toEqual([]);
  expect(await call(page, "/api/competitions/pay", `id=${id}`)).toBe(0);
  expect(await usd(trader.page)).toContain("190.00");
  expect(await usd(rival.page)).toContain("140.00");
  expect(await usd(cheat.page)).toContain("90.00");
});

test("joining refuses a closed registration and an empty wallet, changing nothing", async ({ browser, page }) => {
  await asAdmin(page);
  const name = `Closed ${Date.now()}`;
  await call(
    page,
    "/api/competitions/save",
    `form[name]=${name}&form[rules_en]=Rules&form[registration_start]=${utc(-120)}&form[registration_end]=${utc(-60)}&form[start_at]=${utc(-90)}&form[end_at]=${utc(120)}&form[currency]=USD&form[fee]=10&form[starting_balance]=10000&form[measure]=profit&form[board_size]=10&form[payout]=auto&form[prizes]=&form[published]=true`,
  );
  const open_ = `Open ${Date.now()}`;
  const id = await call(
    page,
    "/api/competitions/save",
    `form[name]=${open_}&form[rules_en]=Rules&form[registration_start]=${utc(-10)}&form[registration_end]=${utc(60)}&form[start_at]=${utc(-5)}&form[end_at]=${utc(120)}&form[currency]=USD&form[fee]=10&form[starting_balance]=10000&form[measure]=equity&form[board_size]=10&form[payout]=review&form[prizes]=1%20100&form[published]=true`,
  );
  const trader = await (await browser.newContext()).newPage();
  await registerTrader(trader, uniqueEmail("broke"));
  await open(trader, `/competitions/${id}`);
  await trader.getByTestId("join").click();
  await expect(trader.locator(".form-error")).toContainText("wallet");
  await expect(trader.getByTestId("my-entry")).toHaveCount(0);
  // A promo code that does not exist is named beside its field.
  await trader.locator("#c-promo").fill("NO-SUCH-CODE");
  await trader.getByTestId("join").click();
  await expect(trader.locator("#c-promo-err")).not.toBeEmpty();
  await expect(trader.getByTestId("my-entry")).toHaveCount(0);
  await settled(trader);
  await shot(trader, "competition-join-refused");
  const closed = (await call(trader, "/api/competitions/open", "")).find((c: { name: string }) => c.name === name);
  const r = await trader.request.post("/api/competitions/join", { headers: FORM, data: `id=${closed.id}` });
  expect(r.status()).toBe(422);
  expect((await r.json()).fields[0].code).toBe("err.registration_closed");
  await open(trader, "/competitions");
  await settled(trader);
  await shot(trader, "competitions-client");
});
