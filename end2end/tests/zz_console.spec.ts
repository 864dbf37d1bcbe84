import { test, expect } from "@playwright/test";
import { adminSignIn, open, signIn, shot } from "./helpers";
test("console", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  admin.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") errors.push(`${admin.url()} ${m.type()}: ${m.text()}`); });
  admin.on("pageerror", (e) => errors.push(`${admin.url()} pageerror: ${e.message}`));
  await adminSignIn(admin);
  for (const p of ["/admin/prop-dashboard", "/admin/participants", "/admin/profit-shares", "/admin/prop-fees", "/admin/alerts", "/admin/participants/5", "/admin/approvals?kind=profit_share"]) {
    await open(admin, p);
    await admin.waitForTimeout(2500);
    await shot(admin, "console-" + p.replace(/[^a-z0-9]/g, "_"));
  }
  const trader = await (await browser.newContext()).newPage();
  trader.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") errors.push(`${trader.url()} ${m.type()}: ${m.text()}`); });
  await signIn(trader, "trader@propdesk.test", "Trader-demo-2026");
  await open(trader, "/my-challenges");
  await trader.waitForTimeout(1000);
  console.log(errors.join("\n"));
});
