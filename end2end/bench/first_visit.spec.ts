import { test, expect, Page, BrowserContext } from "@playwright/test";
import { adminSignIn } from "../tests/helpers";

// What a first visit downloads and how long it takes to become interactive, on a network
// throttled to 10 Mbit/s (20 ms latency), with an empty cache each run. "Interactive" is the
// moment the page has hydrated (the root component sets body[data-hydrated]).
const RUNS = Number(process.env.RUNS ?? 5);
const MBIT = 10;

async function throttled(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: (MBIT * 1_000_000) / 8,
    uploadThroughput: (MBIT * 1_000_000) / 8,
  });
}

/** Counts the compressed bytes of the wasm, js and css responses from now on, and of the
 * translations the wasm loads (it carries none), and the codings they came in. */
function countBytes(page: Page, codings: Set<string>) {
  const files: Record<string, number> = {};
  page.on("requestfinished", async (r) => {
    const url = new URL(r.url());
    if (!/\.(wasm|js|css)$/.test(url.pathname) && !url.pathname.startsWith("/i18n/")) return;
    // Summed: a file the page asks for again (after a full reload) comes from the cache, 0 B.
    const sizes = await r.sizes();
    files[url.pathname] = (files[url.pathname] ?? 0) + sizes.responseBodySize;
    const coding = (await r.response())?.headers()["content-encoding"];
    if (coding) codings.add(coding);
  });
  return files;
}

async function hydratedAt(page: Page): Promise<number> {
  await page.locator("body[data-hydrated]").waitFor();
  return page.evaluate(() => (window as any).__hydratedAt as number);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const total = (files: Record<string, number>) => Object.values(files).reduce((a, b) => a + b, 0);

/** The Accept-Encoding a browser of each kind sends (Chromium's own, and one without brotli),
 * and the one coding every counted file must come in: else the build or the server is not the
 * one this claims to measure (without `propdesk precompress` after the build, gzip goes to both). */
const CODINGS: Record<string, { headers: Record<string, string>; coding: string }> = {
  brotli: { headers: {}, coding: "br" },
  "gzip only": { headers: { "accept-encoding": "gzip, deflate" }, coding: "gzip" },
};

async function fresh(browser: any, headers: Record<string, string> = {}) {
  const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers });
  await context.addInitScript(() => {
    new MutationObserver(() => {
      if (document.body?.dataset.hydrated && !(window as any).__hydratedAt)
        (window as any).__hydratedAt = performance.now();
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  const page = await context.newPage();
  await throttled(context, page);
  return { context, page };
}

for (const [kind, { headers, coding }] of Object.entries(CODINGS)) {
  test(`a trader's first visit (${kind}): the sign-in page, then the dashboard`, async ({ browser, baseURL }) => {
    const tti: number[] = [];
    const codings = new Set<string>();
    let signIn: Record<string, number> = {}, dashboard: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      const { context, page } = await fresh(browser, headers);
      const files = countBytes(page, codings);
      await page.goto(`${baseURL}/login`);
      tti.push(await hydratedAt(page));
      await page.waitForLoadState("networkidle");
      signIn = { ...files };
      await page.getByLabel("Email").fill("trader@propdesk.test");
      await page.getByLabel("Password").fill("Trader-demo-2026");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${baseURL}/`);
      await page.waitForLoadState("networkidle");
      dashboard = Object.fromEntries(Object.entries(files).filter(([f]) => !(f in signIn)));
      await context.close();
    }
    const all = total(signIn) + total(dashboard);
    expect([...codings], "the codings the files came in").toEqual([coding]);
    console.log(`${kind}: sign-in page time to interactive at ${MBIT} Mbit/s: median ${median(tti).toFixed(0)} ms (runs: ${tti.map((t) => t.toFixed(0)).join(", ")})`);
    console.log(`${kind}: sign-in page downloads ${total(signIn)} B compressed: ${JSON.stringify(signIn)}`);
    console.log(`${kind}: then the dashboard adds ${total(dashboard)} B: ${JSON.stringify(dashboard)}`);
    console.log(`${kind}: a trader's first visit in all: ${all} B (${(all / 1024).toFixed(1)} KiB)`);
  });
}

test("the back office's first page: sign-in, then the dashboard", async ({ browser, baseURL }) => {
  const { context, page } = await fresh(browser);
  const codings = new Set<string>();
  const files = countBytes(page, codings);
  await adminSignIn(page);
  await page.waitForLoadState("networkidle");
  const tti = await page.evaluate(() => (window as any).__hydratedAt as number);
  console.log(`back office: /admin/login interactive after ${tti.toFixed(0)} ms; sign-in and first page download ${total(files)} B (${(total(files) / 1024).toFixed(1)} KiB, ${[...codings].join(", ")}): ${JSON.stringify(files)}`);
  await context.close();
});
