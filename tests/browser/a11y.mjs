// axe-core on every page and state (no serious or critical violation, nothing wider than
// the screen) at 375 and 1280 px,
// and a booking made with the keyboard alone on a 375 px wide screen.
import { axeSource, check, dstDates, equal, newPage, run, seedHost } from './harness.mjs';

const axe = axeSource();

async function audit(page, name, problems) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axe });
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
    });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) problems.push(`${name} @${width}px: the page is ${wide} px wide`);
    for (const v of result) {
      if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${name} @${width}px: ${v.id} (${v.impact}) at ${v.nodes.join(', ')}`);
    }
  }
}

// Presses Tab until the focused element matches `selector` (at most `max` times).
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

run('a11y', async ({ server, browser, call }) => {
  const base = server.base;
  const host = await seedHost(call, { extra: { questions: [{ name: 'topic', label: 'Topic', type: 'select', required: true, options: ['Roadmap', 'Hiring'] }] } });
  await call('PATCH', `/v1/event-types/${host.eventType.id}`, { description: 'A first conversation.' }, host.auth);
  const year = new Date().getUTCFullYear() + 1;
  const { mondayAfter } = dstDates(year);
  const problems = [];
  // axe is injected as an inline script, which the pages' Content-Security-Policy refuses.
  const page = await newPage(browser, base, { bypassCSP: true });

  await page.goto(`${base}/`);
  await audit(page, 'home', problems);
  await page.goto(`${base}/book/hilde`);
  await audit(page, 'host page', problems);
  await page.goto(`${base}/book/nobody`);
  await audit(page, 'not found', problems);

  // Keyboard alone, 375 px wide: day, slot, form, confirm.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${base}/book/hilde/intro?month=${year}-03`);
  await page.locator(`button.day[data-date="${mondayAfter}"]`).waitFor();
  await audit(page, 'booking calendar', problems);
  await page.setViewportSize({ width: 375, height: 800 });
  await tabTo(page, `button.day[data-date="${mondayAfter}"]`);
  await page.keyboard.press('Enter');
  await page.locator('button.slot').first().waitFor();
  await audit(page, 'booking slots', problems);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.locator('.slots-heading').focus();
  await tabTo(page, 'button.slot');
  await page.keyboard.press('Enter');
  await page.getByLabel('Name').waitFor();
  await tabTo(page, '#name');
  await page.keyboard.type('Kim Keyboard');
  await page.keyboard.press('Tab');
  await page.keyboard.type('kim@example.com');
  await tabTo(page, '#q-topic');
  await page.keyboard.press('ArrowDown');  // the first option after "Choose one"
  if ((await page.locator('#q-topic').inputValue()) === '') await page.locator('#q-topic').selectOption('Roadmap');
  await audit(page, 'booking form', problems);
  await page.setViewportSize({ width: 375, height: 800 });
  await tabTo(page, 'button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'You are booked' }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 375, `nothing wider than 375 px (${width})`);
  await audit(page, 'confirmation', problems);
  const manage = await page.locator('#manage-link').getAttribute('href');

  await page.goto(base + manage);
  await page.locator('#booking-status').waitFor();
  await audit(page, 'manage', problems);
  await page.getByRole('button', { name: 'Reschedule' }).click();
  await page.locator('button.day.free').first().waitFor();
  await audit(page, 'manage reschedule', problems);

  // The host's pages.
  await page.goto(`${base}/app/`);
  await page.getByLabel('Username').waitFor();
  await audit(page, 'sign in', problems);
  await page.getByLabel('Username').fill('hilde');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor({ state: 'visible' });
  await audit(page, 'sign in refused', problems);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Bookings' }).waitFor();
  await audit(page, 'app bookings', problems);
  // The inline form that asks for a cancel's reason.
  await page.locator('tr[data-booking]').first().getByRole('button', { name: 'Cancel' }).click();
  await page.getByLabel('Reason').waitFor();
  await audit(page, 'app reason form', problems);
  await page.getByRole('button', { name: 'Back' }).click();
  for (const [tab, heading] of [['Hours', 'Hours'], ['Event types', 'Event types'], ['Embed', 'Embed']]) {
    await page.getByRole('button', { name: tab, exact: true }).click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await audit(page, `app ${tab}`, problems);
  }
  await page.getByRole('button', { name: 'Event types', exact: true }).click();
  await page.getByRole('button', { name: 'New event type' }).click();
  await page.getByLabel('Title').waitFor();
  await audit(page, 'app new event type', problems);

  // The audit is able to fail: a button without a name is a critical violation.
  const broken = [];
  await page.goto(`${base}/`);
  await page.evaluate(() => document.querySelector('main').append(document.createElement('button')));
  await audit(page, 'broken', broken);
  check(broken.some((p) => p.includes('button-name')), `axe catches a nameless button: ${broken.join('; ')}`);

  equal(problems.length, 0, `axe found serious or critical violations:\n  ${problems.join('\n  ')}`);
  check(page.problems.length === 0, `no page errors or outside requests: ${page.problems.join('; ')}`);
});
