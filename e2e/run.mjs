// Browser tests: the real congso server (demo data, SQLite in a temporary directory) and Debian's
// Chromium driven by playwright-core, once with JavaScript and once without; axe-core checks the
// catalogue pages for serious or critical accessibility violations.
//
//   node e2e/run.mjs            (CONGSO_BIN: the congso binary, default target/debug/congso)

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(process.env.CONGSO_BIN ?? join(here, "..", "target", "debug", "congso"));
const axePath = join(here, "node_modules", "axe-core", "axe.min.js");
const dataDir = mkdtempSync(join(tmpdir(), "congso-e2e-"));
let failures = 0;

function check(cond, message) {
  if (cond) {
    console.log(`  ok   ${message}`);
  } else {
    failures += 1;
    console.log(`  FAIL ${message}`);
  }
}

async function startServer() {
  const child = spawn(bin, ["serve", "--bind", "127.0.0.1:0", "--data-dir", dataDir], {
    env: { ...process.env, CONGSO_DEMO_PASSWORD: "mat-khau-e2e-2026", CONGSO_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("server did not start")), 120000);
    lines.on("line", (line) => {
      const m = line.match(/http:\/\/(\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(`http://${m[1]}`);
      }
    });
    child.on("exit", (code) => fail(new Error(`server exited with ${code}`)));
  });
  return { child, base };
}

async function axe(page, label) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result) {
    console.log(`       axe ${label}: ${v.impact} ${v.id} (${v.nodes}) ${v.help}`);
  }
  check(bad.length === 0, `axe-core: no serious or critical violation on ${label}`);
}

async function journey(browser, base, js) {
  const mode = js ? "JavaScript on" : "JavaScript off";
  console.log(`journey with ${mode}`);
  const context = await browser.newContext({ javaScriptEnabled: js, bypassCSP: js, locale: "vi-VN" });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  check((await page.locator("html").getAttribute("lang")) === "vi", "the home page is in Vietnamese");
  // Search from the home page, without diacritics.
  await page.fill("#home-q", "dang ky khai sinh");
  await Promise.all([page.waitForURL(/\/thu-tuc\?q=/), page.press("#home-q", "Enter")]);
  const first = page.locator(".proc-item .proc-name a").first();
  check((await first.textContent())?.trim() === "Thủ tục đăng ký khai sinh", `"dang ky khai sinh" finds "Đăng ký khai sinh" first (${mode})`);
  // Open it and check its components.
  await Promise.all([page.waitForURL(/\/thu-tuc\/1\.001193/), first.click()]);
  check((await page.locator("h1").textContent())?.trim() === "Thủ tục đăng ký khai sinh", "the procedure page opens");
  for (const id of ["h-applicants", "h-channels", "h-documents", "h-steps", "h-result", "h-legal"]) {
    check(await page.locator(`#${id}`).isVisible(), `component ${id} is shown`);
  }
  check((await page.locator("#h-documents + table tbody tr").count()) > 0, "the documents table has rows");
  check((await page.locator("#h-channels + table tbody tr").count()) > 0, "the channels table has rows (time limit and fee)");
  if (js) {
    await axe(page, "/thu-tuc/{code}");
    // Instant results: type without submitting.
    await page.goto(`${base}/thu-tuc`);
    await axe(page, "/thu-tuc");
    await page.fill("#q", "ket hon");
    await page.waitForFunction(
      () => document.querySelector(".proc-item .proc-name a")?.textContent?.trim() === "Thủ tục đăng ký kết hôn",
      null,
      { timeout: 10000 },
    );
    check(page.url().includes("q=ket+hon") || page.url().includes("q=ket%20hon"), "instant results update the address");
    await page.goto(`${base}/lich-lam-viec?nam=2026`);
    await axe(page, "/lich-lam-viec");
    await page.goto(`${base}/`);
    await axe(page, "/");
  } else {
    // Filters work as a plain form.
    await page.goto(`${base}/thu-tuc`);
    await page.selectOption("#level", "province");
    await Promise.all([page.waitForURL(/level=province/), page.click("#proc-search button[type=submit]")]);
    check((await page.locator(".proc-item").count()) > 0, "filtering by level works without JavaScript");
  }
  await context.close();
}

const { child, base } = await startServer();
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  await journey(browser, base, true);
  await journey(browser, base, false);
} catch (e) {
  failures += 1;
  console.log(`  FAIL ${e.stack ?? e}`);
} finally {
  await browser?.close();
  child.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(failures === 0 ? "browser tests: ok" : `browser tests: ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
