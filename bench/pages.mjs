// Measures a booking page with 500 bookings in the month it shows: the first response's
// time (curl -w, 30 runs, median and worst) and everything a fresh browser transfers to
// show the month (Playwright: response bodies and headers of every request).
// Usage: node bench/pages.mjs build/kairos     (docs/pages.md, "Measured")
import { execFileSync } from 'node:child_process';
import { account, client, launch, startServer } from '../tests/browser/harness.mjs';

const binary = process.argv[2] || 'build/kairos';
const server = await startServer(binary);
const call = client(server.base);
try {
  const host = await account(call, 'perf', { timezone: 'UTC' });
  const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
  const schedule = await call('POST', '/v1/schedules',
    { name: 'All day', time_zone: 'UTC', weekly: days.map((day) => ({ day, start: '00:00', end: '24:00' })) }, host.auth);
  const type = await call('POST', '/v1/event-types',
    { slug: 'quick', title: 'Quick call', duration_minutes: 30, schedule_id: schedule.body.id, public: true }, host.auth);
  // 500 bookings in the next 28 days (this month and the start of the next): every other
  // half hour from tomorrow.
  const first = new Date();
  first.setUTCHours(24, 0, 0, 0);
  let made = 0;
  for (let i = 0; made < 500; i += 2) {
    const start = new Date(first.getTime() + i * 30 * 60000).toISOString().replace('.000Z', 'Z');
    const r = await call('POST', '/v1/bookings', { event_type_id: type.body.id, start,
      attendee: { name: `Guest ${i}`, email: `g${i}@example.com` } });
    if (r.status !== 201) throw new Error(`booking ${start}: ${r.status} ${JSON.stringify(r.body)}`);
    made += 1;
  }
  const month = first.toISOString().slice(0, 7);
  const url = `${server.base}/book/perf/quick?month=${month}`;
  const times = [];
  for (let i = 0; i < 30; i++) {
    const out = execFileSync('curl', ['-s', '-o', '/dev/null', '-H', 'Accept-Encoding: gzip', '-w', '%{time_starttransfer} %{size_download}', url]).toString();
    const [t, size] = out.split(' ');
    times.push(Number(t) * 1000);
    if (i === 0) console.log(`first response: ${size} bytes (gzipped)`);
  }
  times.sort((a, b) => a - b);
  console.log(`curl -w '%{time_starttransfer}' ${url}`);
  console.log(`  30 runs: median ${times[15].toFixed(1)} ms, fastest ${times[0].toFixed(1)} ms, slowest ${times[29].toFixed(1)} ms`);
  const slotsTimes = [];
  const slotsUrl = `${server.base}/v1/slots?event_type_id=${type.body.id}&start=${month}-01&end=${month}-${new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).getUTCDate()}&time_zone=America/New_York`;
  for (let i = 0; i < 10; i++) {
    slotsTimes.push(Number(execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', slotsUrl]).toString()) * 1000);
  }
  slotsTimes.sort((a, b) => a - b);
  console.log(`  the month's /v1/slots (the page's next request): median ${slotsTimes[5].toFixed(1)} ms`);

  const browser = await launch();
  const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
  const page = await context.newPage();
  const responses = [];
  page.on('requestfinished', async (req) => {
    const sizes = await req.sizes();
    responses.push({ url: req.url().replace(server.base, ''), bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  await page.goto(url);
  await page.locator('button.day.free').first().waitFor();
  await page.waitForLoadState('networkidle');
  const total = responses.reduce((s, r) => s + r.bytes, 0);
  for (const r of responses) console.log(`  ${String(r.bytes).padStart(7)}  ${r.url.slice(0, 100)}`);
  console.log(`transferred in all: ${total} bytes (${(total / 1024).toFixed(1)} kB) in ${responses.length} requests`);
  await browser.close();
} finally {
  await server.stop();
}
