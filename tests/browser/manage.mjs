// The attendee's manage link: the booking is shown in the visitor's and the host's zone;
// rescheduling picks a new time in the same calendar (the old time is released only when
// the new one is booked: a taken time leaves the booking where it was); cancelling with a
// reason cancels it in /v1. A wrong token opens nothing.
import { account, check, text, dstDates, equal, newPage, run, seedHost } from './harness.mjs';

run('manage', async ({ server, browser, call, shoot }) => {
  const base = server.base;
  const host = await seedHost(call);
  const other = await account(call, 'otto');
  const year = new Date().getUTCFullYear() + 1;
  const { mondayAfter } = dstDates(year);
  const tuesday = new Date(Date.parse(`${mondayAfter}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  const at = (day, hm) => `${day}T${hm}:00Z`;
  const made = await call('POST', '/v1/bookings', {
    event_type_id: host.eventType.id, start: at(mondayAfter, '09:00'),
    attendee: { name: 'Ada Visitor', email: 'ada@example.com', time_zone: 'America/New_York' },
  });
  equal(made.status, 201, 'book through /v1');
  const { id, manage_token: token } = made.body;

  equal((await fetch(`${base}/manage/${id}?token=wrong`)).status, 404, 'a wrong token opens nothing');
  equal((await fetch(`${base}/manage/${id}`)).status, 404, 'no token opens nothing');

  const page = await newPage(browser, base);
  await page.goto(`${base}/manage/${id}?token=${encodeURIComponent(token)}`);
  await page.locator('#booking-status').waitFor();
  equal(await page.locator('#booking-status').textContent(), 'Booked', 'the status');
  check((text(await page.locator('dd[data-zone="visitor"]').textContent())).includes('5:00 AM'), 'the time in New York');
  check((text(await page.locator('dd[data-zone="host"]').textContent())).includes('10:00 AM'), 'the time in Paris');
  await shoot(page, 'manage');

  // Reschedule: a time taken meanwhile is refused and the booking stays.
  await page.getByRole('button', { name: 'Reschedule' }).click();
  await page.locator(`button.day[data-date="${tuesday}"]`).click();
  const slot = (iso) => page.locator(`button[data-start="${iso}"]`);
  await slot(at(tuesday, '08:00')).waitFor();
  await shoot(page, 'manage-reschedule');
  const taken = await call('POST', '/booking', { coach_id: host.uuid, session_datetime: at(tuesday, '08:00'), duration_minutes: 30 }, other.auth);
  equal(taken.status, 201, 'face 001 takes Tuesday 09:00 Paris');
  await slot(at(tuesday, '08:00')).click();
  await page.getByRole('alert').waitFor({ state: 'visible' });
  check(/just taken/.test(await page.getByRole('alert').textContent()), 'the refusal is announced');
  await page.waitForFunction((iso) => !document.querySelector(`button[data-start="${iso}"]`), at(tuesday, '08:00'));
  equal((await call('GET', `/v1/bookings/${id}?token=${encodeURIComponent(token)}`)).body.start, at(mondayAfter, '09:00'),
    'the refused reschedule left the booking');

  await slot(at(tuesday, '13:00')).click();
  await page.getByRole('status').filter({ hasText: 'Moved to' }).waitFor();
  const moved = await call('GET', `/v1/bookings/${id}?token=${encodeURIComponent(token)}`);
  equal(moved.body.start, at(tuesday, '13:00'), 'the booking moved to Tuesday 14:00 Paris');
  equal(moved.body.id, id, 'it keeps its id');
  const slots = await call('GET', `/v1/slots?event_type_id=${host.eventType.id}&start=${mondayAfter}&end=${mondayAfter}&time_zone=Europe/Paris`);
  check(slots.body.days[mondayAfter].some((s) => s.start === at(mondayAfter, '09:00')), 'the old time is offered again');
  check((text(await page.locator('dd[data-zone="visitor"]').textContent())).includes('9:00 AM'), 'the page shows the new time');

  // Cancel with a reason.
  await page.getByRole('button', { name: 'Cancel booking' }).click();
  await page.getByLabel('Reason for cancelling (optional)').fill('Something came up');
  await shoot(page, 'manage-cancel');
  await page.getByRole('button', { name: 'Cancel booking' }).click();
  await page.getByRole('status').filter({ hasText: 'cancelled' }).waitFor();
  equal(await page.locator('#booking-status').textContent(), 'Cancelled', 'the page says cancelled');
  const cancelled = await call('GET', `/v1/bookings/${id}`, undefined, host.auth);
  equal(cancelled.body.status, 'cancelled', 'cancelled in /v1');
  equal(cancelled.body.reason, 'Something came up', 'with the reason');
  equal(await page.getByRole('button', { name: 'Reschedule' }).count(), 0, 'a cancelled booking cannot be moved');
  await shoot(page, 'manage-cancelled');
  check(page.problems.length === 0, `no page errors or outside requests: ${page.problems.join('; ')}`);
});
