import { test, expect, Page } from "@playwright/test";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { approve, asAdmin, DATA_DIR, open, saveAndPublish, shot, signIn } from "./helpers";

// The reference bridge (bridge-demo/) as its own process: it plays the trading platform, pulls
// PropDesk's commands and pushes snapshots and deals through the signed bridge API, and takes
// orders on its own HTTP interface. A bridged account's trading day ends at the challenge's
// day end by the real clock, so the pass sets that a few minutes ahead and waits for it.

const BRIDGE_BIN = path.resolve(__dirname, "..", "..", "target", "debug", "propdesk-bridge-demo");
const PROPDESK = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000").host;
const TRADER = "trader@propdesk.test";

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

type Reply = { status: number; body: any };

/** One reference bridge process, its state and log in the suite's data folder. */
class Bridge {
  private constructor(
    private proc: ChildProcess,
    private base: string,
  ) {
    running.add(this);
  }

  /** Starts a bridge for a registered server and waits until its trader interface answers.
   * PropDesk knows a login across all its servers, so each platform numbers its own range. */
  static async start(name: string, secret: string, firstLogin: number): Promise<Bridge> {
    if (!fs.existsSync(BRIDGE_BIN)) throw new Error(`${BRIDGE_BIN} is not built: cargo build -p propdesk-bridge-demo`);
    const port = await freePort();
    fs.mkdirSync(DATA_DIR, { recursive: true });
    const log = path.join(DATA_DIR, `bridge-${name}.log`);
    const out = fs.openSync(log, "w");
    const proc = spawn(BRIDGE_BIN, [], {
      env: {
        ...process.env,
        PROPDESK_ADDR: PROPDESK,
        BRIDGE_NAME: name,
        BRIDGE_SECRET: secret,
        BRIDGE_STATE: path.join(DATA_DIR, `bridge-${name}.json`),
        BRIDGE_LISTEN: `127.0.0.1:${port}`,
        BRIDGE_POLL_MS: "200",
        BRIDGE_FEED_MS: "300",
        BRIDGE_FIRST_LOGIN: String(firstLogin),
      },
      stdio: ["ignore", out, out],
    });
    fs.closeSync(out);
    const b = new Bridge(proc, `http://127.0.0.1:${port}`);
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) throw new Error(`the bridge stopped (${proc.exitCode}): ${fs.readFileSync(log, "utf8")}`);
      try {
        if ((await b.call("GET", "/status")).status === 200) return b;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await b.stop();
    throw new Error(`the bridge does not answer on ${port}: ${fs.readFileSync(log, "utf8")}`);
  }

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const r = await fetch(this.base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }

  /** A call that must succeed; its answer. */
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  }

  /** Sets EURUSD's price, held until set again (the feed moves it otherwise). */
  async price(price: string) {
    await this.ok("POST", "/prices", { symbol: "EURUSD", price });
  }

  order(login: string, password: string): Promise<Reply> {
    return this.call("POST", "/orders", { login, password, symbol: "EURUSD", side: "buy", lots: "1.00" });
  }

  /** Buys one lot of EURUSD; its ticket. */
  async buy(login: string, password: string): Promise<number> {
    const r = await this.order(login, password);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.ticket;
  }

  async close(ticket: number, login: string, password: string) {
    await this.ok("POST", `/orders/${ticket}/close`, { login, password });
  }

  async stop() {
    running.delete(this);
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGKILL");
    await exited;
  }
}

// Stopped after each test, passed, failed or timed out (a timeout skips the test's own code).
const running = new Set<Bridge>();
test.afterEach(async () => {
  for (const b of [...running]) await b.stop();
});

/** Registers a bridge server (USD, the form's default leverages) in the back office; the
 * bridge's name and its secret, shown this once. */
async function registerServer(admin: Page, name: string, environment: "demo" | "live") {
  await open(admin, "/admin/servers");
  await admin.getByRole("button", { name: "Register a bridge server" }).click();
  const form = admin.locator("#server-form");
  await form.locator("#server-name").fill(name);
  await expect(form.locator("#server-currencies")).toHaveValue("USD");
  await expect(form.locator("#server-leverages")).toHaveValue("30, 100");
  await form.locator("#server-environment").selectOption(environment);
  await form.getByRole("button", { name: "Save" }).click();
  const code = admin.getByTestId("server-secret").locator("code");
  await expect(code).toHaveText(/^[0-9a-f]{64}$/);
  const row = admin.getByTestId(`server-${name}`);
  await expect(row).toContainText(environment === "live" ? "Bridge · Live" : "Bridge · Demo");
  // The bridge's name is under the server's name in its row.
  const bridge = (await row.locator("td").first().locator(".mono").innerText()).trim();
  expect(bridge).toMatch(/^[a-z0-9-]+$/);
  return { bridge, secret: (await code.innerText()).trim() };
}

/** The demo trader buys the challenge from its card and staff approve it: the trader's page of
 * it shows the account being opened on the server until its bridge acknowledges it. */
async function buyAndApprove(admin: Page, trader: Page, challenge: string, server: string) {
  await signIn(trader, TRADER, "Trader-demo-2026");
  await open(trader, "/challenges");
  await trader.getByTestId(`challenge-${challenge}`).getByRole("button", { name: "Participate" }).click();
  await expect(trader).toHaveURL(/\/my-challenges\/\d+$/);
  const url = trader.url();
  await approve(admin, "participation", TRADER);
  await open(trader, url);
  await expect(trader.getByTestId("participant-status")).toContainText("In progress");
  await expect(trader.getByTestId("account-opening")).toContainText(`being opened on ${server}`);
  await expect(trader.getByTestId("credentials")).toHaveCount(0);
}

/** The password the platform gave, as the trader reveals it. */
async function password(trader: Page): Promise<string> {
  await trader.getByTestId("credentials").getByRole("button", { name: "Show" }).click();
  const shown = trader.getByTestId("account-password");
  await expect(shown).not.toHaveText(/•/);
  const pw = (await shown.innerText()).trim();
  expect(pw).not.toBe("");
  return pw;
}

/** A screenshot of the trader's page, after checking that the live updates (one per bridge
 * snapshot, every 300 ms here) redraw it in place: for two seconds the frame never gives way to
 * its loading bar, so what the trader reads, scrolls to or types stays put. */
async function steadyShot(page: Page, name: string) {
  const blinks = await page.evaluate(async () => {
    let gone = 0;
    const watch = new MutationObserver(() => {
      if (!document.querySelector(".shell")) gone++;
    });
    watch.observe(document.body, { childList: true, subtree: true });
    await new Promise((r) => setTimeout(r, 2_000));
    watch.disconnect();
    return gone;
  });
  expect(blinks).toBe(0);
  await shot(page, name);
}

// Each test's platform numbers its logins from a range of its own, so the spec can run again
// against the same database (a login is unique across PropDesk's servers).
const range = () => (Date.now() % 100_000) * 10;

test("a challenge runs on the reference bridge: credentials on its acknowledgement, trades move the bars, a breach fails it and the platform disables the account", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const server = `E2E Process ${Date.now()}`;
  const { bridge: bridgeName, secret } = await registerServer(admin, server, "demo");

  // The template's first stage on the platform, the others on the simulator.
  const challenge = `On the process ${Date.now()}`;
  await open(admin, "/admin/challenges");
  await admin.getByTestId("chal-new").click();
  await admin.locator("body[data-hydrated]").waitFor();
  await admin.locator('input[name="name"]').fill(challenge);
  await admin.getByTestId("chal-step-2").click();
  await admin.locator('select[name="packages.0.stages.0.server_id"]').selectOption({ label: server });
  await saveAndPublish(admin);

  await buyAndApprove(admin, trader, challenge, server);
  await shot(trader, "bridge-process-opening");

  // The bridge starts only now, so the page is seen waiting for it: the platform creates the
  // account under its own login and password, and the page shows them without a reload.
  await trader.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const first = 7_000_001 + range();
  const bridge = await Bridge.start(bridgeName, secret, first);
  const login = String(first);
  await expect(trader.getByTestId("account-login")).toHaveText(login, { timeout: 15_000 });
  expect(await trader.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await expect(trader.getByTestId("account-env")).toHaveText(`${server} · Demo`);
  await expect(trader.getByTestId("account-balance")).toContainText("10000.00 USD");
  const pw = await password(trader);
  const onPlatform = await bridge.ok("GET", `/accounts/${login}`);
  expect(onPlatform.balance_minor).toBe(1_000_000);
  expect(onPlatform.enabled).toBe(true);

  // Orders go to the platform with the trader's credentials (a wrong password would be
  // refused); its snapshots move the equity, and the closing deal the balance and the target.
  await bridge.price("1.08500");
  const ticket = await bridge.buy(login, pw);
  await bridge.price("1.08600");
  await expect(trader.getByTestId("account-equity")).toContainText("10100.00 USD", { timeout: 10_000 });
  await expect(trader.getByTestId("account-balance")).toContainText("10000.00 USD");
  await bridge.close(ticket, login, pw);
  await expect(trader.getByTestId("bar-profit_target")).toContainText("100.00 / 800.00", { timeout: 10_000 });
  await expect(trader.getByTestId("account-balance")).toContainText("10100.00 USD");
  await expect(trader.getByTestId("participant-status")).toContainText("In progress");
  await steadyShot(trader, "bridge-process-profit");

  // A lot bought at 1.08600 and the price at 1.07900: 700.00 lost, 600.00 below the day's
  // start, over the 500.00 a day (5% of 10,000.00).
  await bridge.buy(login, pw);
  await bridge.price("1.07900");
  await expect(trader.getByTestId("participant-status")).toContainText("Failed", { timeout: 10_000 });
  await expect(trader.getByTestId("participant-reason")).toContainText("Maximum daily loss");
  await expect(trader.getByTestId("decisions")).toContainText("600.00");
  await expect(trader.getByTestId("decisions")).toContainText("500.00");

  // PropDesk sends the platform a disable command; the bridge carries it out and acknowledges
  // it, and the platform refuses the account's orders from then on.
  await expect
    .poll(async () => (await bridge.ok("GET", `/accounts/${login}`)).enabled, { timeout: 15_000 })
    .toBe(false);
  const refused = await bridge.order(login, pw);
  expect(refused.status).toBe(422);
  expect(refused.body.error).toContain("may not trade");
  await steadyShot(trader, "bridge-process-failed");
  await open(admin, "/admin/servers");
  const row = admin.getByTestId(`server-${server}`);
  await expect(row.getByTestId("commands-waiting")).toHaveText("0");
  await expect(row.getByTestId("commands-failed")).toHaveCount(0);
  await shot(admin, "bridge-process-servers");
});

test("a single live stage on a live bridge server opens a funded account on that platform", async ({ browser }) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const server = `E2E Live ${Date.now()}`;
  const { bridge: bridgeName, secret } = await registerServer(admin, server, "live");

  // The template without its two demo stages: its live stage alone, on the live platform.
  const challenge = `Live on the process ${Date.now()}`;
  await open(admin, "/admin/challenges");
  await admin.getByTestId("chal-new").click();
  await admin.locator("body[data-hydrated]").waitFor();
  await admin.locator('input[name="name"]').fill(challenge);
  await admin.getByTestId("chal-step-2").click();
  await admin.getByTestId("chal-remove-stage-0-0").click();
  await admin.getByTestId("chal-remove-stage-0-0").click();
  await expect(admin.getByTestId("chal-stage-0-1")).toHaveCount(0);
  await expect(admin.locator('select[name="packages.0.stages.0.environment"]')).toHaveValue("live");
  await admin.locator('select[name="packages.0.stages.0.server_id"]').selectOption({ label: server });
  await saveAndPublish(admin);

  await buyAndApprove(admin, trader, challenge, server);
  await expect(trader.getByText("Stage 1/1")).toBeVisible();
  const first = 9_000_001 + range();
  const bridge = await Bridge.start(bridgeName, secret, first);
  const login = String(first);
  await expect(trader.getByTestId("account-login")).toHaveText(login, { timeout: 15_000 });
  await expect(trader.getByTestId("account-env")).toHaveText(`${server} · Live`);
  await expect(trader.getByTestId("account-balance")).toContainText("10000.00 USD");
  await password(trader);
  // The platform holds the funded account, enabled, with the package's balance.
  const onPlatform = await bridge.ok("GET", `/accounts/${login}`);
  expect(onPlatform.balance_minor).toBe(1_000_000);
  expect(onPlatform.enabled).toBe(true);
  await steadyShot(trader, "bridge-process-live");
});

test("a stage passes on the bridge when its trading day ends, and the live step opens the funded account on a live platform", async ({ browser }) => {
  // The day ends two to three minutes from now: the trading below takes well under that.
  test.setTimeout(420_000);
  const admin = await (await browser.newContext()).newPage();
  const trader = await (await browser.newContext()).newPage();
  await asAdmin(admin);
  const demoServer = `E2E Pass Demo ${Date.now()}`;
  const liveServer = `E2E Pass Live ${Date.now()}`;
  const demo = await registerServer(admin, demoServer, "demo");
  const live = await registerServer(admin, liveServer, "live");
  const liveBridge = await Bridge.start(live.bridge, live.secret, 9_000_001 + range());

  // One demo stage on the demo platform, passed on one trading day, then the live stage on the
  // live platform. The firm's trading day ends at a time of its choosing (UTC here).
  const end = new Date(Math.ceil((Date.now() + 120_000) / 60_000) * 60_000);
  const endsAt = end.toISOString().slice(11, 16);
  const challenge = `Pass on the process ${Date.now()}`;
  await open(admin, "/admin/challenges");
  await admin.getByTestId("chal-new").click();
  await admin.locator("body[data-hydrated]").waitFor();
  await admin.locator('input[name="name"]').fill(challenge);
  await admin.locator('input[name="day_ends_at"]').fill(endsAt);
  await shot(admin, "challenge-day-end");
  await admin.getByTestId("chal-step-2").click();
  await admin.getByTestId("chal-remove-stage-0-1").click();
  await expect(admin.getByTestId("chal-stage-0-2")).toHaveCount(0);
  await admin.locator('select[name="packages.0.stages.0.server_id"]').selectOption({ label: demoServer });
  await admin.locator('input[name="packages.0.stages.0.min_trading_days"]').fill("1");
  await admin.locator('input[name="packages.0.stages.0.upgrade_immediately"]').check();
  await admin.locator('select[name="packages.0.stages.1.server_id"]').selectOption({ label: liveServer });
  await saveAndPublish(admin);
  await admin.getByTestId("chal-step-1").click();
  await expect(admin.locator('input[name="day_ends_at"]')).toHaveValue(endsAt);

  await buyAndApprove(admin, trader, challenge, demoServer);
  const url = trader.url();
  const first = 7_000_001 + range();
  const bridge = await Bridge.start(demo.bridge, demo.secret, first);
  const login = String(first);
  await expect(trader.getByTestId("account-login")).toHaveText(login, { timeout: 15_000 });
  const pw = await password(trader);

  // The 8% target: a lot from 1.08500 to 1.09400 earns 900.00 on 10,000.00. The stage passes
  // only when the day ends.
  await bridge.price("1.08500");
  const ticket = await bridge.buy(login, pw);
  await bridge.price("1.09400");
  await bridge.close(ticket, login, pw);
  await expect(trader.getByTestId("bar-profit_target")).toContainText("900.00 / 800.00", { timeout: 10_000 });
  await expect(trader.getByTestId("participant-status")).toContainText("In progress");
  expect(Date.now()).toBeLessThan(end.getTime());

  // The day-close job runs every half minute: within a minute of the day's end the stage has
  // passed, the platform has disabled the demo account, and the live step waits for staff.
  const wait = end.getTime() - Date.now() + 90_000;
  await expect(trader.getByTestId("decisions")).toContainText("Passed", { timeout: wait });
  await expect(trader.getByTestId("participant-status")).toContainText("Pending live approval", { timeout: 10_000 });
  await expect.poll(async () => (await bridge.ok("GET", `/accounts/${login}`)).enabled, { timeout: 15_000 }).toBe(false);

  // Staff approve the live step: the live platform opens the funded account under its login.
  await approve(admin, "live_step", TRADER);
  await open(trader, url);
  await expect(trader.getByText("Stage 2/2")).toBeVisible();
  await expect(trader.getByTestId("account-env")).toHaveText(`${liveServer} · Live`, { timeout: 15_000 });
  const funded = (await trader.getByTestId("account-login").innerText()).trim();
  const onLive = await liveBridge.ok("GET", `/accounts/${funded}`);
  expect(onLive.enabled).toBe(true);
  expect(onLive.balance_minor).toBe(1_000_000);
  await steadyShot(trader, "bridge-process-passed-live");
});
