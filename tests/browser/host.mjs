// A host signs in at /app/ (session cookie, CSRF token on every change), sets weekly hours
// and a date override, creates an event type that needs confirmation, confirms a pending
// booking and cancels another; the embed snippet embeds the booking page.
import http from 'node:http';
import { account, check, dstDates, equal, newPage, run, seedHost } from './harness.mjs';

run('host', async ({ server, browser, call, shoot }) => {
  const base = server.base;
  const host = await seedHost(call);
  const year = new Date().getUTCFullYear() + 1;
  const { mondayAfter } = dstDates(year);
  const tuesday = new Date(Date.parse(`${mondayAfter}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  const page = await newPage(browser, base, { timezoneId: 'Europe/Paris' });

  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill('hilde');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Bookings' }).waitFor();
  const cookies = await page.context().cookies();
  check(cookies.some((c) => c.name === 'sessionid' && c.httpOnly), 'signed in with the session cookie');
  check(!page.url().includes('token'), 'no token in the URL');

  // Hours: Mondays 10:00-16:00, Fridays closed, the Tuesday of the DST week closed.
  await page.getByRole('button', { name: 'Hours', exact: true }).click();
  await page.getByLabel('Monday from').fill('10:00');
  await page.getByLabel('Monday until').fill('16:00');
  await page.getByLabel('Friday', { exact: true }).uncheck();
  await page.getByLabel('Date', { exact: true }).fill(tuesday);
  await page.getByRole('button', { name: 'Add override' }).click();
  await shoot(page, 'app-hours');
  await page.getByRole('button', { name: 'Save hours' }).click();
  await page.getByRole('status').filter({ hasText: 'Hours saved' }).waitFor();
  const schedule = (await call('GET', `/v1/schedules/${host.schedule.id}`, undefined, host.auth)).body;
  const monday = schedule.weekly.filter((w) => w.day === 'monday');
  equal(monday.map((w) => `${w.start}-${w.end}`).join(','), '10:00-16:00', 'Monday hours saved');
  check(!schedule.weekly.some((w) => w.day === 'friday'), 'Friday closed');
  equal(schedule.overrides.map((o) => `${o.date}:${o.intervals.length}`).join(','), `${tuesday}:0`, 'the override saved');

  // A new event type that needs confirmation.
  await page.getByRole('button', { name: 'Event types', exact: true }).click();
  await page.getByRole('button', { name: 'New event type' }).click();
  await page.getByLabel('Title').fill('Deep dive');
  equal(await page.getByLabel('Link name (a-z, 0-9, -)').inputValue(), 'deep-dive', 'the link name follows the title');
  await page.getByLabel('Duration (minutes)').fill('60');
  await page.getByLabel('I confirm each booking').check();
  await shoot(page, 'app-event-type');
  await page.getByRole('button', { name: 'Create event type' }).click();
  await page.getByRole('status').filter({ hasText: 'Created Deep dive' }).waitFor();
  await shoot(page, 'app-event-types');
  const types = (await call('GET', '/v1/event-types', undefined, host.auth)).body.data;
  const deep = types.find((t) => t.slug === 'deep-dive');
  check(deep && deep.requires_confirmation && deep.public && deep.duration_minutes === 60 && deep.schedule_id === host.schedule.id,
    `the event type: ${JSON.stringify(deep)}`);
  const slots = await call('GET', `/v1/slots?event_type_id=${deep.id}&start=${mondayAfter}&end=${tuesday}&time_zone=Europe/Paris`);
  equal(slots.body.days[mondayAfter][0].start, `${mondayAfter}T09:00:00Z`, 'Mondays start at 10:00 Paris');
  check(!slots.body.days[tuesday], 'the closed Tuesday offers nothing');

  // A visitor books it: pending; the host confirms. Another is cancelled.
  const book = (hm) => call('POST', '/v1/bookings', { event_type_id: deep.id, start: `${mondayAfter}T${hm}:00Z`,
    attendee: { name: `Visitor ${hm}`, email: 'visitor@example.com' } });
  const pending = await book('09:00');
  equal(pending.body.status, 'pending', 'the booking waits for the host');
  const second = await book('11:00');
  await page.getByRole('button', { name: 'Bookings', exact: true }).click();
  const row = page.locator(`tr[data-booking="${pending.body.id}"]`);
  await row.waitFor();
  equal(await row.locator('.booking-status').textContent(), 'pending', 'listed as pending');
  await shoot(page, 'app-bookings');
  await row.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('status').filter({ hasText: 'Booking confirmed' }).waitFor();
  equal(await page.locator(`tr[data-booking="${pending.body.id}"] .booking-status`).textContent(), 'accepted', 'listed as accepted');
  equal((await call('GET', `/v1/bookings/${pending.body.id}`, undefined, host.auth)).body.status, 'accepted', 'confirmed in /v1');
  page.once('dialog', (d) => d.accept('Double booked'));
  await page.locator(`tr[data-booking="${second.body.id}"]`).getByRole('button', { name: 'Decline' }).click();
  await page.getByRole('status').filter({ hasText: 'Booking declined' }).waitFor();
  const declined = (await call('GET', `/v1/bookings/${second.body.id}`, undefined, host.auth)).body;
  equal(declined.status, 'declined', 'declined in /v1');
  equal(declined.reason, 'Double booked', 'with the reason');

  // A coaching session booked through face 001 is listed too, and confirmed here.
  const client = await account(call, 'otto');
  const coached = await call('POST', '/booking', { coach_id: host.uuid, session_datetime: `${mondayAfter}T13:00:00Z`, duration_minutes: 30 }, client.auth);
  equal(coached.status, 201, 'face 001 books a session');
  await page.reload();
  const sessionRow = page.locator(`tr[data-session="${coached.body.id}"]`);
  await sessionRow.waitFor();
  await sessionRow.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('status').filter({ hasText: 'Session confirmed' }).waitFor();
  equal((await call('GET', `/booking/${coached.body.id}`, undefined, host.auth)).body.status, 'confirmed', 'confirmed in face 001');

  // The embed snippet, on another page of this machine (same server, a plain file).
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
  const snippet = await page.locator('pre.snippet').nth(1).textContent();
  check(snippet.includes('/embed.js') && snippet.includes('data-kairos-page="/book/hilde/'), `the snippet: ${snippet}`);
  await shoot(page, 'app-embed');
  // Another site (another origin: a server of its own on this machine) pastes it.
  const other = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>A coach's site</title><h1>Book me</h1>${snippet}`);
  });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  try {
    const site = await (await browser.newContext()).newPage();
    await site.goto(`http://127.0.0.1:${other.address().port}/`);
    const frame = site.frameLocator('iframe[title="Book a time"]');
    await frame.locator('h1').waitFor();
    equal(await frame.locator('h1').textContent(), 'Intro call', 'the embedded booking page');
    await frame.locator('button.day').first().waitFor();
    await shoot(site, 'embed');
  } finally {
    other.close();
  }
  check(page.problems.length === 0, `no page errors or outside requests: ${page.problems.join('; ')}`);
});
