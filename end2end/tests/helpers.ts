import { Page, expect } from "@playwright/test";
import { createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const DATA_DIR = path.resolve(__dirname, "..", ".data");
export const OUTBOX = process.env.PROPDESK_OUTBOX_DIR ?? path.join(DATA_DIR, "outbox");
export const SHOTS = path.resolve(__dirname, "..", "test-results", "screens");

/** Navigates and waits until the page has hydrated (before that, buttons have no handlers). */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await page.locator("body[data-hydrated]").waitFor();
}

export async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: "disabled" });
}

/** Console errors and Leptos warnings of a page once it has hydrated and settled. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    // The browser asks every site for /favicon.ico; PropDesk has none.
    if (m.text().includes("Failed to load resource") && m.location().url.endsWith("/favicon.ico")) return;
    if (m.type() === "error" || m.type() === "warning") problems.push(`${page.url()}: ${m.text().split("\n")[0]}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
  return problems;
}

/** Waits until the page's lists, charts and feeds have loaded: no spinner or loading text left. */
export async function settled(page: Page) {
  await expect(page.locator(".spinner")).toHaveCount(0);
  await expect(page.getByText("Loading…", { exact: true })).toHaveCount(0);
}

/** Fails if the page shows a translation key where its text belongs: a key of a part of the
 * table the browser has not loaded (the first part comes with the page; every area's own text
 * with its first page). Plain words with a dot, such as an email's domain, do not match. */
export async function expectNoRawKeys(page: Page) {
  const key =
    /\b(?:nav|common|dash|live|auth|kyc|profile|notice|rule|wallets|funds|appr|prop|chal|err|ib|crm|settings|offers|msg|support|downloads|comp|servers|platform|admin|perm)\.[a-z0-9_]+/;
  expect((await page.locator("body").innerText()).match(key)?.[0] ?? null).toBeNull();
}

/** Switches the signed-in user's theme (a saved preference) and waits until it is saved. */
export async function setTheme(page: Page, scheme: "light" | "dark") {
  const html = page.locator("html");
  if ((await html.getAttribute("data-theme")) !== scheme) {
    const saved = page.waitForResponse((r) => r.url().includes("/api/auth/preferences") && r.ok());
    await page.getByRole("button", { name: "Switch light or dark theme" }).click();
    await saved;
  }
  await expect(html).toHaveAttribute("data-theme", scheme);
}

function base32(s: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of s.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The current RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app shows it. */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac("sha1", base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return (n % 1_000_000).toString().padStart(6, "0");
}

function decodeBody(eml: string): string {
  const [head, ...rest] = eml.split(/\r?\n\r?\n/);
  const body = rest.join("\n\n");
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  // Quoted-printable escapes bytes: decode them, then read the bytes as UTF-8.
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head))
    return Buffer.from(
      body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  return body;
}

/** The newest email to `to` in the development outbox (the newest whose body holds `containing`,
 * when given: one action may send several), waiting for the sender to write it. */
export async function lastMailTo(to: string, containing = ""): Promise<string> {
  for (let i = 0; i < 50; i++) {
    if (fs.existsSync(OUTBOX)) {
      const files = fs
        .readdirSync(OUTBOX)
        .filter((f) => f.endsWith(".eml"))
        .map((f) => path.join(OUTBOX, f))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
      for (const f of files) {
        const eml = fs.readFileSync(f, "utf8");
        if (!new RegExp(`^To: .*${to.replace(/[.@]/g, "\\$&")}`, "mi").test(eml)) continue;
        const body = decodeBody(eml);
        if (body.includes(containing)) return body;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to}${containing ? ` holding "${containing}"` : ""} in ${OUTBOX}`);
}

export function uniqueEmail(prefix: string) {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function registerTrader(page: Page, email: string, password = "e2e-password-1") {
  await open(page, "/register");
  await page.getByLabel("First name").fill("Erin");
  await page.getByLabel("Last name").fill("Endtoend");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Country").fill("GB");
  await page.getByLabel("Phone").fill("+44 7700 900456");
  await page.getByRole("button", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.locator("body[data-hydrated]").waitFor();
}

export const SECRET_FILE = path.join(DATA_DIR, "admin-totp-secret");
/** The administrator's session, signed in once by the global setup. */
export const ADMIN_STATE = path.join(DATA_DIR, "admin-state.json");
const STEP_FILE = path.join(DATA_DIR, "admin-totp-step");

/** A code for a 30-second step not used before: each code works once, and the server accepts
 * the previous, current and next step. Waits when every acceptable step has been used. */
async function freshCode(secret: string): Promise<string> {
  const last = fs.existsSync(STEP_FILE) ? Number(fs.readFileSync(STEP_FILE, "utf8")) : 0;
  const now = Math.floor(Date.now() / 30_000);
  const step = Math.max(now, last + 1);
  if (step > now + 1) await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 500));
  fs.writeFileSync(STEP_FILE, String(step));
  return totp(secret, step * 30_000 + 1_000);
}

/** Signs in the demo administrator: two-factor enrollment the first time, a code after. */
export async function adminSignIn(page: Page) {
  await staffSignIn(page, "admin@propdesk.test", "Admin-demo-2026", SECRET_FILE);
}

/** Signs in a staff member: two-factor enrollment the first time (the secret kept in `secretFile`,
 * by default one file per email), a code after. */
export async function staffSignIn(page: Page, email: string, password: string, secretFile?: string) {
  const file = secretFile ?? path.join(DATA_DIR, `totp-${email}`);
  await open(page, "/admin/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const secret = page.getByTestId("totp-secret");
  const prompt = page.getByText("Enter the 6-digit code");
  await expect(secret.or(prompt)).toBeVisible();
  if (await secret.isVisible()) {
    if (email.startsWith("admin@")) await shot(page, "admin-enroll-totp");
    const s = (await secret.innerText()).trim();
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, s);
    await page.getByLabel("Code").fill(await freshCode(s));
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  } else {
    await page.getByLabel("Code").fill(await freshCode(fs.readFileSync(file, "utf8").trim()));
    await page.getByRole("button", { name: "Verify" }).click();
  }
  await expect(page).toHaveURL(/\/admin$/);
  await page.locator("body[data-hydrated]").waitFor();
}

/** Opens the back office as the demo administrator, in the session the global setup signed in
 * (tests of the sign-in itself use `adminSignIn`, and must not sign this session out). */
export async function asAdmin(page: Page) {
  const state = JSON.parse(fs.readFileSync(ADMIN_STATE, "utf8"));
  await page.context().addCookies(state.cookies);
  await open(page, "/admin");
  await expect(page).toHaveURL(/\/admin$/);
}

/** Sets the simulated platform's EURUSD price as staff (and stops the moving feed), returning
 * how long the server took: the accounts holding EURUSD are judged before it answers. Sent with
 * the page's cookies but outside the page, so a navigation under way cannot cut it off. */
export async function setPrice(admin: Page, price: string, running = false): Promise<number> {
  const started = performance.now();
  const r = await admin.request.post("/api/admin/sim/price", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    data: `symbol=EURUSD&price=${price}&running=${running}`,
  });
  if (!r.ok()) throw new Error(`price refused: ${r.status()} ${await r.text()}`);
  return performance.now() - started;
}

export async function signIn(page: Page, email: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  // The dashboard may be a new page load: its buttons answer once it has hydrated.
  await page.locator("body[data-hydrated]").waitFor();
}

/** Opens the newest pending request of a kind from the client and approves it. */
export async function approve(admin: Page, kind: string, email: string) {
  await open(admin, `/admin/approvals?kind=${kind}`);
  await admin.getByRole("searchbox", { name: "Search" }).fill(email);
  const row = admin.locator("[data-testid^=request-]").filter({ hasText: email }).filter({ hasText: "Pending" }).first();
  await expect(row).toBeVisible();
  await row.getByRole("link").first().click();
  await admin.locator("#approve-form").getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByTestId("review-head")).toContainText("Approved");
}

/** One lot of EURUSD bought at 1.08500 from the trading panel and closed at `to`. */
export async function tradeTo(admin: Page, trader: Page, to: string, profit: string) {
  await setPrice(admin, "1.08500");
  await trader.getByTestId("tab-trade").click();
  await trader.getByLabel("Symbol").selectOption("EURUSD");
  await trader.getByLabel("Volume (lots)").fill("1");
  await trader.getByTestId("buy").click();
  await expect(trader.getByTestId("positions")).toContainText("EURUSD", { timeout: 5_000 });
  await setPrice(admin, to);
  await expect(trader.getByTestId("positions")).toContainText(profit, { timeout: 5_000 });
  await trader.getByTestId("positions").getByRole("button", { name: "Close" }).click();
  await expect(trader.getByText("No open positions.")).toBeVisible({ timeout: 5_000 });
}

/** The cells of one CSV line (RFC 4180: quoted cells may hold commas and doubled quotes). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

/** Saves the challenge being edited in the back office and publishes it. */
export async function saveAndPublish(admin: Page) {
  await admin.getByTestId("chal-save").click();
  await expect(admin).toHaveURL(/\/admin\/challenges\/\d+$/);
  await admin.getByTestId("chal-step-4").click();
  await admin.getByTestId("chal-publish").click();
  await expect(admin.getByTestId("chal-status")).toContainText("Published", { timeout: 5_000 });
}
