// What the browser tests share: the real kairos binary on a fresh SQLite file on
// 127.0.0.1:0, a JSON client for seeding through the real API, Debian's chromium driven by
// playwright-core (tests/js), screenshots into the build directory, and small checks.
// Usage of a test: node tests/browser/<x>.mjs KAIROS_BINARY SCREENSHOT_DIR
// Exit 77 (skipped) when playwright-core or chromium is not installed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const requireJs = createRequire(new URL('../js/package.json', import.meta.url));
const CHROMIUM = process.env.KAIROS_CHROMIUM || '/usr/bin/chromium';

export function loadPlaywright() {
  try {
    return requireJs('playwright-core');
  } catch (e) {
    console.log('skipped: playwright-core is not installed (run: bash scripts/install-deps.sh tests)');
    process.exit(77);
  }
}
export function axeSource() {
  return readFileSync(requireJs.resolve('axe-core/axe.min.js'), 'utf8');
}

// Text as a person reads it: Intl's narrow and no-break spaces as plain spaces.
export const text = (s) => (s || '').replace(/[\u202f\u00a0]/g, ' ').trim();

export class Failure extends Error {}
let checks = 0;
export function check(condition, message) {
  checks += 1;
  if (!condition) throw new Failure(message);
}
export function equal(actual, expected, message) {
  check(actual === expected, `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export async function startServer(binary) {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-browser-'));
  const portFile = join(dir, 'port');
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'k.db'), '--port-file', portFile],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  for (let i = 0; i < 200 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(portFile)) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${log}`);
  }
  const port = Number(readFileSync(portFile, 'utf8').trim());
  const base = `http://127.0.0.1:${port}`;
  return {
    base, dir,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A JSON client for the real API. Answers {status, body, headers}.
export function client(base) {
  return async function call(method, path, body, headers = {}) {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed = text;
    try { parsed = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

export const PASSWORD = 'correct horse battery staple';

// Signs up and logs in through face 002; returns {uuid, username, token, auth}.
export async function account(call, username, extra = {}) {
  const up = await call('POST', '/api/user/sign_up/', { username, email: `${username}@example.com`, password: PASSWORD, ...extra });
  equal(up.status, 200, `sign up ${username}: ${JSON.stringify(up.body)}`);
  const login = await call('POST', '/api/user/login/', { username, password: PASSWORD });
  equal(login.status, 200, `log in ${username}`);
  return { uuid: login.body.user.uuid, username, token: login.body.auth_token, auth: { Authorization: `Bearer ${login.body.auth_token}` } };
}

// A host in `zone` (a coach, so face 001 offers their time too) with a schedule of
// weekdays 09:00-17:00 and one public event type.
export async function seedHost(call, { username = 'hilde', zone = 'Europe/Paris', slug = 'intro', title = 'Intro call', duration = 30, extra = {} } = {}) {
  const host = await account(call, username, { role: 'coach', timezone: zone, first_name: 'Hilde', last_name: 'Brandt' });
  const weekly = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({ day, start: '09:00', end: '17:00' }));
  const schedule = await call('POST', '/v1/schedules', { name: 'Office hours', time_zone: zone, weekly }, host.auth);
  equal(schedule.status, 201, 'create the schedule');
  const type = await call('POST', '/v1/event-types',
    { slug, title, duration_minutes: duration, schedule_id: schedule.body.id, public: true, ...extra }, host.auth);
  equal(type.status, 201, `create the event type: ${JSON.stringify(type.body)}`);
  return { ...host, schedule: schedule.body, eventType: type.body };
}

// The US and the EU move their clocks on different Sundays of March; a week between them
// is a "DST week" for a visitor in New York booking a host in Paris.
export function dstDates(year) {
  const sunday = (y, m, fromDay, step) => {
    let d = new Date(Date.UTC(y, m - 1, fromDay));
    while (d.getUTCDay() !== 0) d = new Date(d.getTime() + step * 86400000);
    return d;
  };
  const usSwitch = sunday(year, 3, 8, 1);    // second Sunday of March
  const euSwitch = sunday(year, 3, 31, -1);  // last Sunday of March
  const iso = (d) => d.toISOString().slice(0, 10);
  const plus = (d, n) => new Date(d.getTime() + n * 86400000);
  return { usSwitch: iso(usSwitch), euSwitch: iso(euSwitch), fridayBefore: iso(plus(usSwitch, -2)), mondayAfter: iso(plus(usSwitch, 1)) };
}

export async function launch(options = {}) {
  const { chromium } = loadPlaywright();
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: no chromium at ${CHROMIUM}`);
    process.exit(77);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'], ...options });
}

// A page whose console errors and failed requests to other hosts fail the test.
export async function newPage(browser, base, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) page.problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('about:')) page.problems.push(`request to another host: ${url}`);
  });
  return page;
}

export function screenshotDir(dir) {
  mkdirSync(dir, { recursive: true });
  return async (page, name) => {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };
}

// Runs a test body with a server and a browser, and reports.
export async function run(name, body) {
  const [binary, shots] = process.argv.slice(2);
  if (!binary) { console.error(`usage: node ${name}.mjs KAIROS_BINARY SCREENSHOT_DIR`); process.exit(2); }
  loadPlaywright();
  const server = await startServer(binary);
  const browser = await launch();
  let code = 0;
  try {
    await body({ server, browser, call: client(server.base), shoot: screenshotDir(shots || join(server.dir, 'shots')) });
    console.log(`${name}: ${checks} checks passed`);
  } catch (e) {
    code = 1;
    console.error(`${name}: FAILED: ${e instanceof Failure ? e.message : e.stack}`);
    console.error(`--- server log ---\n${server.log().slice(-4000)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
  process.exit(code);
}
