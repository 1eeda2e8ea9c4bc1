// Browser tests: the real congso server (demo data, SQLite in a temporary directory) and Debian's
// Chromium driven by playwright-core. The citizen's catalogue journey runs once with JavaScript and
// once without; the one-stop journey (receive at the counter, print Mẫu 01, forward, assign,
// process, approve, finish, return, public lookup) runs through the officers' pages; axe-core
// checks the pages for serious or critical accessibility violations. The on-site report journey:
// a citizen reports with a photo, the responsible unit resolves it, the citizen rates the public result.
// The public statistics page (/thong-ke): SVG charts with data tables, filters without JavaScript, axe-core.
//
//   node e2e/run.mjs            (CONGSO_BIN: the congso binary, default target/debug/congso)

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
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

const PASSWORD = "mat-khau-e2e-2026";
// A Department of Justice procedure of the demo catalogue (7 working days, with a workflow).
const PROCEDURE = "1.002010.000.00.00.H57";

async function signIn(browser, base, username) {
  // bypassCSP only lets the test inject axe-core; the pages themselves run no inline script.
  const context = await browser.newContext({ locale: "vi-VN", bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${base}/dang-nhap`);
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/dang-nhap")),
    page.click("form[action='/dang-nhap'] button[type=submit]"),
  ]);
  return { context, page };
}

/// Takes `action` on the dossier page through its form, as the officer would.
async function act(base, who, code, action, fill = async () => {}) {
  const { page } = who;
  await page.goto(`${base}/can-bo/ho-so/${code}`);
  const form = page.locator(`#form-${action}`);
  if (!(await form.isVisible())) {
    check(false, `the ${action} form is offered`);
    return;
  }
  await fill(form);
  await Promise.all([page.waitForURL(/[?&]ok=/), form.locator("button[type=submit]").click()]);
  check((await page.locator(".alert-ok").count()) === 1, `${action}: done, with a confirmation`);
}

async function officerJourney(browser, base) {
  console.log("one-stop journey: receive, print Mẫu 01, forward, process, approve, return; public lookup");
  const desk = await signIn(browser, base, "motcua");
  await desk.page.goto(`${base}/can-bo/tiep-nhan?thu-tuc=${PROCEDURE}`);
  await axe(desk.page, "/can-bo/tiep-nhan");
  await desk.page.fill("#name", "Phan Văn Đức");
  await desk.page.fill("#phone", "0912345678");
  await desk.page.fill("#address", "12 Lê Lợi, phường Thuận Hóa, Huế");
  await Promise.all([
    desk.page.waitForURL(/\/can-bo\/ho-so\//),
    desk.page.click("form[method=post][action='/can-bo/tiep-nhan'] button[type=submit]"),
  ]);
  const code = decodeURIComponent(new URL(desk.page.url()).pathname.split("/").pop());
  check(/^000\.01\.01\.H57-\d{6}-\d{4}$/.test(code), `the dossier gets a code (${code})`);
  check((await desk.page.locator("h1").textContent()).includes(code), "the dossier page opens");
  await axe(desk.page, "/can-bo/ho-so/{code}");
  // Print the receipt and appointment slip (Mẫu 01) from its link.
  const href = await desk.page.locator('a[href$="/mau-01.pdf"]').getAttribute("href");
  const pdf = await desk.context.request.get(`${base}${href}`);
  check(pdf.status() === 200 && pdf.headers()["content-type"] === "application/pdf", "Mẫu 01 downloads as PDF");
  const text = spawnSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: await pdf.body() }).stdout?.toString() ?? "";
  check(text.includes("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") && text.includes(code) && text.includes("Phan Văn Đức"),
    "Mẫu 01 carries the title, the code and the applicant");
  await act(base, desk, code, "forward");
  const head = await signIn(browser, base, "lanhdao.so");
  await head.page.goto(`${base}/can-bo?tab=unit`);
  check((await head.page.locator(`text=${code}`).count()) > 0, "the department head finds it in the unit's inbox");
  await act(base, head, code, "assign", (f) => f.locator("select[name=assignee]").selectOption("chuyenvien"));
  const specialist = await signIn(browser, base, "chuyenvien");
  await specialist.page.goto(`${base}/can-bo`);
  check((await specialist.page.locator(`text=${code}`).count()) > 0, "the specialist finds it in their own inbox");
  await act(base, specialist, code, "submit_for_approval");
  await act(base, head, code, "approve");
  await act(base, specialist, code, "finish");
  await act(base, desk, code, "return_result");
  check((await desk.page.locator(".lead strong").textContent()).trim() === "Đã trả kết quả", "the dossier is returned");
  // The public lookup shows each step, not the person.
  const pub = await browser.newContext({ locale: "vi-VN", bypassCSP: true });
  const page = await pub.newPage();
  await page.goto(`${base}/tra-cuu`);
  await page.fill("#ma", code);
  await Promise.all([page.waitForURL(/ma=/), page.press("#ma", "Enter")]);
  const steps = (await page.locator("ol.steps li strong").allTextContents()).map((s) => s.trim());
  const expected = ["Tiếp nhận hồ sơ", "Chuyển cơ quan giải quyết", "Phân công thụ lý", "Trình phê duyệt", "Phê duyệt",
    "Hoàn thành, chuyển kết quả", "Trả kết quả"];
  check(JSON.stringify(steps) === JSON.stringify(expected), `the lookup lists every step in order (${steps.join(" → ")})`);
  const body = await page.locator("main").textContent();
  check(body.includes("P. V. Đ.") && !body.includes("Phan Văn Đức") && !body.includes("0912345678"),
    "the lookup masks the applicant");
  await axe(page, "/tra-cuu");
  for (const c of [desk, head, specialist]) await c.context.close();
  await pub.close();
}

// A Department of Justice procedure offered fully online, with two documents.
const ONLINE_PROCEDURE = "1.002055.000.00.00.H57";
const shots = join(here, "screenshots");

function pdf(marker) {
  return Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
}
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082",
  "hex",
);

/// Checks a citizen page: no serious accessibility violation (JavaScript on) and, at 360 px, no
/// horizontal scrolling, with a screenshot kept in e2e/screenshots/.
async function citizenPage(page, label, js, narrow) {
  if (js) await axe(page, label);
  if (narrow) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `${label} fits 360 px without horizontal scrolling (${overflow} px over)`);
    await page.screenshot({ path: join(shots, `${label.replace(/[^a-z0-9]+/gi, "_")}-360.png`), fullPage: true });
  }
}

async function citizenJourney(browser, base, js, idNumber) {
  const mode = js ? "JavaScript on, 360 px" : "JavaScript off";
  console.log(`citizen journey (${mode}): register, submit online, supplement, result, rating`);
  const narrow = js;
  const context = await browser.newContext({
    javaScriptEnabled: js, bypassCSP: js, locale: "vi-VN",
    viewport: narrow ? { width: 360, height: 740 } : { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(`${base}/dang-ky`);
  await citizenPage(page, "dang-ky", js, narrow);
  await page.fill("#full_name", "Nguyễn Thị Hồng");
  await page.fill("#id_number", idNumber);
  await page.fill("#email", `hong.${idNumber}@example.vn`);
  await page.fill("#password", "mot-cum-tu-de-nho-2026");
  await Promise.all([page.waitForURL(/\/ho-so-cua-toi/), page.click("form[action='/dang-ky'] button[type=submit]")]);
  check((await page.locator("h1").textContent()).trim() === "Hồ sơ của tôi", `the new citizen lands on "Hồ sơ của tôi" (${mode})`);
  await citizenPage(page, "ho-so-cua-toi", js, narrow);
  await page.goto(`${base}/thu-tuc/${ONLINE_PROCEDURE}`);
  await Promise.all([page.waitForURL(/\/nop-truc-tuyen\//), page.click("#submit-online")]);
  check((await page.inputValue("#f-name")) === "Nguyễn Thị Hồng" && (await page.inputValue("#f-id_number")) === idNumber,
    "the applicant page is prefilled from the account");
  await citizenPage(page, "nop-truc-tuyen-1", js, narrow);
  const next = async () => Promise.all([page.waitForURL(/buoc=/), page.click("form[enctype] button[type=submit]")]);
  await page.fill("#f-phone", "0905123456");
  await next();
  await page.setInputFiles("#file", { name: "giấy đề nghị.pdf", mimeType: "application/pdf", buffer: pdf("de-nghi") });
  await citizenPage(page, "nop-truc-tuyen-2", js, narrow);
  await next();
  await page.setInputFiles("#file", { name: "van-ban-thoa-thuan.png", mimeType: "image/png", buffer: PNG });
  await next();
  const check_ = await page.locator("main").textContent();
  check(check_.includes("giấy đề nghị.pdf") && check_.includes("van-ban-thoa-thuan.png"), "the check page lists both files");
  await citizenPage(page, "nop-truc-tuyen-kiem-tra", js, narrow);
  await Promise.all([page.waitForURL(/\/ho-so-cua-toi\/[^?]+\?moi=1/), page.click("#submit-dossier")]);
  const code = (await page.locator("h1 code").textContent()).trim();
  check((await page.locator("#my-status").textContent()).trim() === "Mới đăng ký", `submitted as "Mới đăng ký" (${code})`);
  await citizenPage(page, "ho-so-cua-toi-chi-tiet", js, narrow);
  // The desk accepts it and asks for one more document.
  const desk = await signIn(browser, base, "motcua");
  await act(base, desk, code, "accept");
  await act(base, desk, code, "request_supplement", (f) => f.locator("textarea[name=reason]").fill("Văn bản thỏa thuận chưa có chữ ký"));
  await page.goto(`${base}/ho-so-cua-toi/${code}`);
  check(await page.locator("#h-supplement").isVisible(), "the citizen sees the supplement request");
  check((await page.locator("main").textContent()).includes("Văn bản thỏa thuận chưa có chữ ký"), "with its reason");
  await page.setInputFiles("#supplement-files", { name: "thoa-thuan-da-ky.pdf", mimeType: "application/pdf", buffer: pdf("da-ky") });
  await Promise.all([page.waitForURL(/ok=supplement/), page.click("form[action$='/bo-sung'] button[type=submit]")]);
  check((await page.locator(".alert-ok").count()) === 1, "the supplement is sent and the clock runs again");
  await citizenPage(page, "ho-so-cua-toi-bo-sung", js, narrow);
  // The department processes it; the specialist finishes with the electronic result.
  await act(base, desk, code, "forward");
  const head = await signIn(browser, base, "lanhdao.so");
  await act(base, head, code, "assign", (f) => f.locator("select[name=assignee]").selectOption("chuyenvien"));
  await act(base, head, code, "approve");
  const specialist = await signIn(browser, base, "chuyenvien");
  const result = pdf(`ket-qua-${idNumber}`);
  await act(base, specialist, code, "finish", (f) =>
    f.locator("#result-file").setInputFiles({ name: "ket-qua.pdf", mimeType: "application/pdf", buffer: result }));
  // The citizen downloads the result and rates the service.
  await page.goto(`${base}/ho-so-cua-toi/${code}`);
  const href = await page.locator("#result-download").getAttribute("href");
  const got = await context.request.get(`${base}${href}`);
  check(got.status() === 200 && Buffer.compare(await got.body(), result) === 0, "the citizen downloads exactly the electronic result");
  await page.check("input[name=rating][value=hai_long]");
  await page.fill("#comment", "Giải quyết nhanh, hướng dẫn rõ ràng");
  await Promise.all([page.waitForURL(/ok=rated/), page.click("form[action$='/danh-gia'] button[type=submit]")]);
  check((await page.locator("#my-rating").textContent()).includes("Hài lòng"), "the rating is recorded");
  await citizenPage(page, "ho-so-cua-toi-ket-qua", js, narrow);
  await page.goto(`${base}/thong-bao`);
  check((await page.locator(".notes li").count()) >= 3, "notifications for acceptance, supplement and result");
  await citizenPage(page, "thong-bao", js, narrow);
  for (const path of ["tai-khoan", "quen-mat-khau"]) {
    await page.goto(`${base}/${path}`);
    check((await page.locator("h1").count()) === 1, `/${path} opens`);
    await citizenPage(page, path, js, narrow);
  }
  for (const c of [desk, head, specialist]) await c.context.close();
  await context.close();
}

/// Takes a task action through its page form.
async function taskAct(base, who, id, action, fill = async () => {}) {
  const { page } = who;
  await page.goto(`${base}/chi-dao/nhiem-vu/${id}`);
  const form = page.locator(`#form-${action}`);
  if (!(await form.isVisible())) {
    check(false, `the ${action} form is offered`);
    return;
  }
  await fill(form);
  await Promise.all([page.waitForURL(/[?&]ok=/), form.locator("button[type=submit]").click()]);
  check((await page.locator(".alert-ok").count()) === 1, `task ${action}: done`);
}

async function directiveJourney(browser, base) {
  console.log("directive journey: the Office gives two tasks, the department acts, the leader extends, the dashboard counts");
  const office = await signIn(browser, base, "vanphong");
  const p = office.page;
  await p.goto(`${base}/chi-dao`);
  await Promise.all([p.waitForURL(/giao-viec/), p.click("#dir-new")]);
  await axe(p, "/chi-dao/giao-viec");
  const today = new Date();
  const iso = (d) => d.toISOString().slice(0, 10);
  const inDays = (n) => iso(new Date(today.getTime() + n * 86400000));
  await p.selectOption("#source_kind", "conclusion");
  await p.fill("#source_number", "88/TB-UBND");
  await p.fill("#leader", "lanhdao");
  await p.fill("#content", "Kết luận của Chủ tịch UBND thành phố tại buổi làm việc với Sở Tư pháp");
  await p.selectOption("#task1_unit", "000.00.04.H57");
  await p.fill("#task1_content", "Số hóa sổ hộ tịch giai đoạn 1");
  await p.fill("#task1_deadline", inDays(20));
  await p.selectOption("#task2_unit", "000.00.04.H57");
  await p.fill("#task2_content", "Rà soát văn bản quy phạm pháp luật");
  await p.fill("#task2_deadline", inDays(10));
  await Promise.all([p.waitForURL(/ok=giao-viec/), p.click("form[action='/chi-dao/giao-viec'] button[type=submit]")]);
  check((await p.locator(".alert-ok").count()) === 1, "the directive and its two tasks are given");
  const api = await office.context.request.get(`${base}/api/v1/tasks?from=${inDays(-1)}&to=${inDays(1)}`);
  const tasks = await api.json();
  const one = tasks.find((t) => t.content === "Số hóa sổ hộ tịch giai đoạn 1");
  const two = tasks.find((t) => t.content === "Rà soát văn bản quy phạm pháp luật");
  check(one && two, "both tasks are listed");
  const head = await signIn(browser, base, "lanhdao.so");
  await taskAct(base, head, one.id, "assign", (f) => f.locator("select[name=assignee]").selectOption("chuyenvien"));
  await axe(head.page, "/chi-dao/nhiem-vu/{id}");
  const specialist = await signIn(browser, base, "chuyenvien");
  await taskAct(base, specialist, one.id, "report_progress", async (f) => {
    await f.locator("textarea[name=text]").fill("Đã số hóa 60% sổ hộ tịch");
    await f.locator("input[name=percent]").fill("60");
  });
  await taskAct(base, specialist, one.id, "complete", (f) => f.locator("textarea[name=text]").fill("Đã hoàn thành, kèm báo cáo"));
  await taskAct(base, specialist, two.id, "request_extension", async (f) => {
    await f.locator("textarea[name=reason]").fill("Chờ ý kiến các sở, ngành");
    await f.locator("input[name=new_deadline]").fill(inDays(30));
  });
  const leader = await signIn(browser, base, "lanhdao");
  await taskAct(base, leader, two.id, "approve_extension");
  check((await leader.page.locator("main").textContent()).includes(inDays(30).split("-").reverse().join("/")), "the extended deadline is shown");
  await leader.page.goto(`${base}/chi-dao`);
  await axe(leader.page, "/chi-dao");
  const body = await leader.page.locator("main").textContent();
  check((await leader.page.locator("#dir-rate").textContent()).includes("100,00%"), "the completed task counts as completed on time (100%)");
  check(body.includes("Sở Tư pháp") && body.includes("Hoàng Văn Nam"), "the dashboard shows the unit and the directing leader");
  const within = await leader.page.locator("table").first().locator("tbody tr").first().locator("td").nth(2).textContent();
  check(within.trim() === "1", `the extended task is in progress within its deadline (${within.trim()})`);
  for (const c of [office, head, specialist, leader]) await c.context.close();
}

/// Takes an action on an on-site report through the unit's handling page.
async function reportAct(base, who, id, action, fill = async () => {}) {
  const { page } = who;
  await page.goto(`${base}/can-bo/phan-anh/${id}`);
  const form = page.locator(`#form-${action}`);
  if (!(await form.isVisible())) {
    check(false, `the ${action} form is offered`);
    return;
  }
  await fill(form);
  await Promise.all([page.waitForURL(/[?&]ok=/), form.locator("button[type=submit]").click()]);
  check((await page.locator(".alert-ok").count()) === 1, `report ${action}: done`);
}

async function siteReportJourney(browser, base) {
  console.log("on-site report journey: a citizen reports with a photo, the unit resolves it, the citizen rates; public list");
  const citizen = await signIn(browser, base, "congdan");
  const p = citizen.page;
  await p.goto(`${base}/phan-anh`);
  await axe(p, "/phan-anh");
  await Promise.all([p.waitForURL(/\/phan-anh\/gui/), p.click("#sr-new")]);
  await axe(p, "/phan-anh/gui");
  await p.selectOption("#service_code", "o-ga-mat-duong");
  await p.fill("#description", "Ổ gà sâu giữa làn xe máy trước số 10 Lê Lợi, đã có người ngã");
  await p.selectOption("#area", "000.00.35.H57");
  await p.fill("#address", "Trước số 10 Lê Lợi, phường Thuận Hóa");
  await p.setInputFiles("#files", { name: "o-ga.png", mimeType: "image/png", buffer: PNG });
  await Promise.all([p.waitForURL(/\/phan-anh\/[0-9a-f-]+\?moi=1/), p.click("#sr-submit")]);
  const id = new URL(p.url()).pathname.split("/").pop();
  check((await p.locator(".alert-ok").count()) === 1, `the report is filed (${id})`);
  check((await p.locator("#sr-state").textContent()).trim() === "Đã tiếp nhận, chờ xử lý", "it waits for the unit");
  check((await p.locator("main").textContent()).includes("o-ga.png"), "the reporter sees the photo");
  await axe(p, "/phan-anh/{id}");
  // The Department of Construction (routed by category and ward) handles it.
  const officer = await signIn(browser, base, "hientruong");
  await officer.page.goto(`${base}/can-bo/phan-anh`);
  check((await officer.page.locator(`a[href="/can-bo/phan-anh/${id}"]`).count()) === 1, "the unit finds it in its list");
  await axe(officer.page, "/can-bo/phan-anh");
  await officer.page.goto(`${base}/can-bo/phan-anh/${id}`);
  await axe(officer.page, "/can-bo/phan-anh/{id}");
  await reportAct(base, officer, id, "accept");
  await reportAct(base, officer, id, "resolve", async (f) => {
    await f.locator("textarea[name=text]").fill("Đã thảm lại mặt đường đoạn trước số 10 Lê Lợi");
    await f.locator("input[type=file]").setInputFiles({ name: "da-sua.png", mimeType: "image/png", buffer: PNG });
  });
  // The citizen sees the public result and rates it.
  await p.goto(`${base}/phan-anh/${id}`);
  check((await p.locator("#sr-result").textContent()).includes("Đã thảm lại mặt đường"), "the citizen sees the public result");
  check((await p.locator("#sr-outcome").textContent()).trim() === "Xử lý đúng hạn", "handled on time");
  await p.check("#sr-rate-form input[name=rating][value=hai_long]");
  await p.fill("#comment", "Xử lý nhanh");
  await Promise.all([p.waitForURL(/ok=rated/), p.click("#sr-rate-form button[type=submit]")]);
  check((await p.locator("#sr-rating").textContent()).includes("Hài lòng"), "the rating is recorded");
  await axe(p, "/phan-anh/{id} (rated)");
  // The public list, without JavaScript: filters as a plain form.
  const anon = await browser.newContext({ javaScriptEnabled: false, locale: "vi-VN" });
  const a = await anon.newPage();
  await a.goto(`${base}/phan-anh`);
  await a.selectOption("#linh-vuc", "o-ga-mat-duong");
  await a.selectOption("#dia-ban", "000.00.35.H57");
  await a.selectOption("#trang-thai", "closed");
  await Promise.all([a.waitForURL(/trang-thai=closed/), a.click("#sr-filters button[type=submit]")]);
  check((await a.locator(`#sr-table a[href="/phan-anh/${id}"]`).count()) === 1, "the public list filters to it without JavaScript");
  await a.goto(`${base}/phan-anh/${id}`);
  const pub = await a.locator("main").textContent();
  check(pub.includes("Đã thảm lại mặt đường") && pub.includes("da-sua.png") && !pub.includes("o-ga.png"),
    "the public page shows the result and its photo, not the reporter's photo");
  for (const c of [citizen, officer]) await c.context.close();
  await anon.close();
}

async function statisticsJourney(browser, base) {
  console.log("public statistics: /thong-ke without a login, SVG charts with data tables, filters without JavaScript");
  const anon = await browser.newContext({ javaScriptEnabled: false, locale: "vi-VN" });
  const a = await anon.newPage();
  await a.goto(`${base}/thong-ke`);
  check((await a.locator("h1").textContent()).trim() === "Thống kê công khai", "the statistics page opens without a login");
  check((await a.locator("svg.chart[role=img]").count()) >= 3, "server-rendered SVG charts");
  check((await a.locator("svg.chart title").count()) === (await a.locator("svg.chart").count()), "every chart has a title");
  check((await a.locator("#stats-months tbody tr").count()) >= 1, "the monthly table is there");
  await a.selectOption("#nam", "2025");
  await a.selectOption("#don-vi", "");
  await Promise.all([a.waitForURL(/nam=2025/), a.click("#stats-filter button[type=submit]")]);
  check((await a.locator("#stats-targets tbody tr").count()) >= 4, "the 2020–2025 targets are shown for 2025");
  const csv = await (await a.request.get(`${base}/thong-ke/du-lieu.csv?nam=2025`)).text();
  check(csv.includes("section,key,name,numerator,denominator,value"), "the CSV export");
  await anon.close();
  const ctx = await browser.newContext({ locale: "vi-VN", bypassCSP: true });
  const p = await ctx.newPage();
  await p.goto(`${base}/thong-ke?nam=2025`);
  await axe(p, "/thong-ke");
  await p.goto(`${base}/thong-ke`);
  await axe(p, "/thong-ke (this year)");
  await ctx.close();
  const leader = await signIn(browser, base, "lanhdao");
  await leader.page.goto(`${base}/can-bo/chi-so-766`);
  check((await leader.page.locator("#i766-children tbody tr").count()) > 5, "the leaders' drill-down lists the city's units");
  await axe(leader.page, "/can-bo/chi-so-766");
  await Promise.all([leader.page.waitForURL(/don-vi=000\.00\.04\.H57/), leader.page.click('#i766-children a[href*="don-vi=000.00.04.H57"]')]);
  check((await leader.page.locator("#i766-procedures tbody tr").count()) > 0, "a department's procedures");
  await axe(leader.page, "/can-bo/chi-so-766?don-vi={department}");
  await leader.context.close();
}

mkdirSync(shots, { recursive: true });
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
  await officerJourney(browser, base);
  await citizenJourney(browser, base, true, "046195000301");
  await citizenJourney(browser, base, false, "046195000302");
  await directiveJourney(browser, base);
  await siteReportJourney(browser, base);
  await statisticsJourney(browser, base);
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
