// A host signs in at /app/ (session cookie, CSRF token on every change), sets weekly hours
// and a date override, creates an event type that needs confirmation, confirms a pending
// booking and cancels another; the embed snippet embeds the booking page.
import http from 'node:http';
import { account, check, dstDates, equal, newPage, run, seedHost, text } from './harness.mjs';

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
  // Declining asks for the reason inline: Back (or Escape) leaves the booking as it was.
  const secondRow = page.locator(`tr[data-booking="${second.body.id}"]`);
  await secondRow.getByRole('button', { name: 'Decline' }).click();
  const reason = secondRow.getByLabel('Reason');
  check(await reason.evaluate((el) => el === document.activeElement), 'the reason field has the focus');
  await secondRow.getByRole('button', { name: 'Back' }).click();
  check(await secondRow.getByRole('button', { name: 'Decline' }).evaluate((el) => el === document.activeElement), 'Back returns the focus to Decline');
  equal((await call('GET', `/v1/bookings/${second.body.id}`, undefined, host.auth)).body.status, 'pending', 'Back changes nothing');
  // By keyboard alone: Enter on Decline, type the reason, Enter confirms.
  await secondRow.getByRole('button', { name: 'Decline' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Double booked');
  await shoot(page, 'app-reason');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Booking declined' }).waitFor();
  const declined = (await call('GET', `/v1/bookings/${second.body.id}`, undefined, host.auth)).body;
  equal(declined.status, 'declined', 'declined in /v1');
  equal(declined.reason, 'Double booked', 'with the reason');
  // A refusal is announced in the form: the booking was cancelled meanwhile elsewhere.
  const firstRow = page.locator(`tr[data-booking="${pending.body.id}"]`);
  await firstRow.getByRole('button', { name: 'Cancel' }).click();
  equal((await call('POST', `/v1/bookings/${pending.body.id}/cancel`, {}, host.auth)).status, 200, 'cancelled through the API');
  await firstRow.getByRole('button', { name: 'Confirm' }).click();
  const refusal = firstRow.getByRole('alert');
  await refusal.filter({ hasText: 'The booking is cancelled' }).waitFor();
  await shoot(page, 'app-reason-refused');
  check(!text(await refusal.textContent()).includes('status:'), 'the message is said once');
  await firstRow.getByRole('button', { name: 'Back' }).click();
  await page.locator(`tr[data-booking="${pending.body.id}"] .booking-status`).filter({ hasText: 'cancelled' }).waitFor();

  // Bookings made through the other faces are listed with their face: a coaching session
  // (face 001) is confirmed here, a booking at the host's shop (face 003) cancelled.
  const client = await account(call, 'otto');
  const coached = await call('POST', '/booking', { coach_id: host.uuid, session_datetime: `${mondayAfter}T13:00:00Z`, duration_minutes: 30 }, client.auth);
  equal(coached.status, 201, 'face 001 books a session');
  const week = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ day_of_week: d, open_time: '08:00', close_time: '18:00', is_closed: false }));
  const shop = await call('POST', '/api/exchanges/', { business_name: 'Hilde\'s studio', operating_hours: week, timezone: 'UTC' }, host.auth);
  equal(shop.status, 201, `face 003 makes the host's exchange: ${JSON.stringify(shop.body)}`);
  const shopBooking = await call('POST', '/api/bookings/', { exchange: shop.body.uuid, date: mondayAfter, start_time: '15:00', end_time: '16:00',
    customer_name: 'Walk In', customer_email: 'walkin@example.com' }, client.auth);
  equal(shopBooking.status, 201, `face 003 books: ${JSON.stringify(shopBooking.body)}`);
  await page.reload();
  const sessionRow = page.locator(`tr[data-booking="${coached.body.id}"]`);
  await sessionRow.waitFor();
  equal(text(await sessionRow.locator('.booking-face').textContent()), 'Coaching', 'the session names its face');
  await sessionRow.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('status').filter({ hasText: 'Booking confirmed' }).waitFor();
  equal((await call('GET', `/booking/${coached.body.id}`, undefined, host.auth)).body.status, 'confirmed', 'confirmed in face 001');
  const shopRow = page.locator(`tr[data-booking="${shopBooking.body.uuid}"]`);
  await shopRow.waitFor();
  equal(text(await shopRow.locator('.booking-face').textContent()), 'Business', 'the shop booking names its face');
  check(text(await shopRow.textContent()).includes('Walk In (walkin@example.com)'), 'with its customer');
  await shopRow.getByRole('button', { name: 'Cancel' }).click();
  await shopRow.getByLabel('Reason').fill('Studio closed');
  await shoot(page, 'app-cancel-face');
  await shopRow.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('status').filter({ hasText: 'Booking cancelled' }).waitFor();
  equal(text(await page.locator(`tr[data-booking="${shopBooking.body.uuid}"] .booking-status`).textContent()), 'cancelled', 'listed as cancelled');
  equal((await call('GET', `/api/bookings/${shopBooking.body.uuid}/`, undefined, client.auth)).body.status, 'cancelled', 'cancelled in face 003');
  const freed = await call('GET', `/api/time-slots/available_slots/?exchange=${shop.body.uuid}&date=${mondayAfter}&slot_duration=60`, undefined, host.auth);
  check(freed.body.slots.some((x) => x.start_time === '15:00' && x.is_available), 'face 003 offers 15:00 again');

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
