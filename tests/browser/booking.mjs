// A visitor in America/New_York books a host in Europe/Paris in the week the US has moved
// its clocks and the EU has not: the slots, the form and the confirmation show the right
// times in both zones, the booking is in /v1 with that start, and face 001 no longer
// offers the time. A slot another client books through face 001 meanwhile is refused
// with a message and the list refreshes.
import { account, check, text, dstDates, equal, newPage, run, seedHost } from './harness.mjs';

run('booking', async ({ server, browser, call, shoot }) => {
  const base = server.base;
  const host = await seedHost(call);
  const other = await account(call, 'otto');
  const year = new Date().getUTCFullYear() + 1;
  const { fridayBefore, mondayAfter } = dstDates(year);
  const at = (day, hm) => `${day}T${hm}:00Z`;

  // Face 001 offers the host's Monday (the coach's fallback hours, 09:00-17:00 Paris).
  const face001 = async () => {
    const next = new Date(Date.parse(`${mondayAfter}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
    const r = await call('GET', `/booking/coach/${host.uuid}/availability?start_date=${mondayAfter}&end_date=${next}&duration_minutes=30`);
    equal(r.status, 200, 'face 001 availability');
    return r.body.available_slots.map((s) => new Date(s.start).toISOString().replace('.000Z', 'Z'));
  };
  check((await face001()).includes(at(mondayAfter, '09:00')), 'face 001 offers 10:00 Paris before the booking');

  // Assets: one version for all, cached for a year, revalidated by ETag, gzipped.
  const home = await fetch(`${base}/`);
  equal(home.status, 200, 'the front page');
  const html = await home.text();
  const css = html.match(/href="(\/assets\/[0-9a-f]+\/kairos\.css)"/);
  check(css, 'the front page links the style sheet under a version');
  const asset = await fetch(base + css[1]);
  equal(asset.status, 200, 'the style sheet');
  check(/max-age=31536000/.test(asset.headers.get('cache-control')), 'a versioned asset is cached for a year');
  equal(asset.headers.get('content-encoding'), 'gzip', 'assets are gzipped when accepted');
  const again = await fetch(base + css[1], { headers: { 'If-None-Match': asset.headers.get('etag') } });
  equal(again.status, 304, 'an unchanged asset is not sent again');
  equal((await fetch(`${base}/book/nobody/intro`)).status, 404, 'no such host');
  equal((await fetch(`${base}/book/hilde/nothing`)).status, 404, 'no such event type');

  const page = await newPage(browser, base);
  await page.goto(`${base}/book/hilde`);
  await page.getByRole('link', { name: /Intro call/ }).click();
  await page.waitForURL(/\/book\/hilde\/intro$/);
  equal(await page.locator('h1').textContent(), 'Intro call', 'the booking page title');
  equal(await page.getByLabel('Time zone').inputValue(), 'America/New_York', 'the zone is detected from the browser');

  await page.goto(`${base}/book/hilde/intro?month=${year}-03`);
  const day = (d) => page.locator(`button.day[data-date="${d}"]`);
  const slot = (iso) => page.locator(`button[data-start="${iso}"]`);
  await day(fridayBefore).click();
  // 09:00 in Paris is 08:00 UTC both days; New York is UTC-5 on Friday and UTC-4 on Monday.
  equal(text(await slot(at(fridayBefore, '08:00')).textContent()), '3:00 AM', 'Friday 09:00 Paris in New York (EST)');
  await day(mondayAfter).click();
  equal(text(await slot(at(mondayAfter, '08:00')).textContent()), '4:00 AM', 'Monday 09:00 Paris in New York (EDT)');
  await page.getByLabel('Time zone').selectOption('Europe/Paris');
  await day(mondayAfter).click();
  equal(text(await slot(at(mondayAfter, '08:00')).textContent()), '9:00 AM', 'the same slot in Paris');
  await page.getByLabel('Time zone').selectOption('America/New_York');
  await day(mondayAfter).click();
  await shoot(page, 'book-calendar');

  // Another client books 10:30 Paris through face 001 while the list shows it.
  await slot(at(mondayAfter, '08:30')).waitFor();
  const taken = await call('POST', '/booking', { coach_id: host.uuid, session_datetime: at(mondayAfter, '08:30'), duration_minutes: 30 }, other.auth);
  equal(taken.status, 201, `face 001 books 09:30 Paris: ${JSON.stringify(taken.body)}`);
  await slot(at(mondayAfter, '08:30')).click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ state: 'visible' });
  check(/just taken/.test(await alert.textContent()), 'the refusal is announced');
  await page.waitForFunction((iso) => !document.querySelector(`button[data-start="${iso}"]`), at(mondayAfter, '08:30'));
  check(await slot(at(mondayAfter, '09:00')).isVisible(), 'the refreshed list still offers 10:00 Paris');
  await shoot(page, 'book-refused');

  // Hold 10:00 Paris, fill the form, confirm.
  await slot(at(mondayAfter, '09:00')).click();
  await page.getByLabel('Name').waitFor();
  await page.getByRole('button', { name: 'Confirm' }).click();
  check(/check the form/.test(await alert.textContent()), 'an empty form is refused with a message');
  equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true', 'the empty name is marked');
  await shoot(page, 'book-form');
  await page.getByLabel('Name').fill('Ada Visitor');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Guests (optional)').fill('bob@example.com');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'You are booked' }).waitFor();
  const visitor = text(await page.locator('dd[data-zone="visitor"]').textContent());
  const hostTime = text(await page.locator('dd[data-zone="host"]').textContent());
  check(visitor.includes('5:00 AM') && visitor.includes('5:30 AM') && visitor.includes('America/New York'), `visitor's time: ${visitor}`);
  check(visitor.includes(`March ${Number(mondayAfter.slice(8))}, ${year}`), `visitor's day: ${visitor}`);
  check(hostTime.includes('10:00 AM') && hostTime.includes('Europe/Paris'), `host's time: ${hostTime}`);
  await shoot(page, 'book-confirmed');
  const manage = await page.locator('#manage-link').getAttribute('href');
  const m = manage.match(/^\/manage\/([0-9a-f-]{36})\?token=(.+)$/);
  check(m, `the manage link: ${manage}`);
  const ics = await page.getByRole('link', { name: 'Add to calendar' }).getAttribute('href');
  const file = await fetch(base + ics);
  equal(file.status, 200, 'the .ics link');
  check((await file.text()).includes(`DTSTART:${mondayAfter.replaceAll('-', '')}T090000Z`), 'the .ics has the start');

  // Through /v1 and face 001.
  const booking = await call('GET', `/v1/bookings/${m[1]}`, undefined, host.auth);
  equal(booking.status, 200, 'the host reads the booking');
  equal(booking.body.start, at(mondayAfter, '09:00'), 'the booking starts at 10:00 Paris');
  equal(booking.body.attendee.time_zone, 'America/New_York', "the attendee's zone is kept");
  equal(booking.body.status, 'accepted', 'the booking is accepted');
  check(booking.body.guests.includes('bob@example.com'), 'the guest is kept');
  const offered = await face001();
  check(!offered.includes(at(mondayAfter, '09:00')), 'face 001 no longer offers 10:00 Paris');
  check(offered.includes(at(mondayAfter, '08:00')), 'face 001 still offers 09:00 Paris');
  check(page.problems.length === 0, `no page errors or outside requests: ${page.problems.join('; ')}`);

  // The other pages, for the record.
  await page.goto(`${base}/book/hilde`);
  await shoot(page, 'host-page');
  await page.goto(`${base}/`);
  await shoot(page, 'home');
});
