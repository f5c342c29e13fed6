// The host's pages (/app/): sign in with the existing accounts (session cookie; unsafe
// requests carry X-CSRFToken), then bookings, weekly hours and date overrides, event
// types and the embed snippet, all through /v1.
import { api, browserZone, h, messageBox, pageData, problemText, rangeOf, say, zoneSelect } from './common.js';

const data = pageData();
const app = document.getElementById('app');
const alertBox = messageBox('alert');
const statusBox = messageBox('status');
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_NAMES = { monday: 'Monday', tuesday: 'Tuesday', wednesday: 'Wednesday', thursday: 'Thursday', friday: 'Friday', saturday: 'Saturday', sunday: 'Sunday' };
const zone = data.time_zone && data.time_zone !== 'UTC' ? data.time_zone : browserZone();
let eventTypes = [];

function errorsOf(res) {
  return ((res.body && res.body.errors) || []).map((e) => `${e.field}: ${e.message}`);
}
function fail(res) { say(statusBox, ''); say(alertBox, problemText(res), errorsOf(res)); }
function done(text) { say(alertBox, ''); say(statusBox, text); }
const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);

// ---- Sign in -------------------------------------------------------------------------

function signIn() {
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const go = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { novalidate: true }, h('h1', {}, 'Sign in'),
    alertBox, field('username', 'Username', user), field('password', 'Password', pass), h('div', { class: 'actions' }, go));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!user.value.trim() || !pass.value) { say(alertBox, 'Please enter your username and password.'); return; }
    go.disabled = true;
    const res = await api('POST', '/api/user/login/', { username: user.value.trim(), password: pass.value });
    go.disabled = false;
    if (res.ok) { location.reload(); return; }
    say(alertBox, res.status === 429 ? 'Too many attempts. Please wait a few minutes.' : problemText(res));
    pass.focus();
  });
  app.replaceChildren(form);
  user.focus();
}

// ---- Signed in -----------------------------------------------------------------------

const tabs = [
  ['bookings', 'Bookings', showBookings],
  ['hours', 'Hours', showHours],
  ['event-types', 'Event types', showEventTypes],
  ['embed', 'Embed', showEmbed],
];
const panel = h('div', { id: 'panel' });
const nav = h('nav', { 'aria-label': 'Your pages' }, h('ul', { class: 'tabs' },
  tabs.map(([id, label]) => h('li', {}, h('button', { type: 'button', dataset: { tab: id }, onclick: () => open(id, true) }, label))),
  h('li', {}, h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'))));

async function signOut() {
  await api('POST', '/api/user/logout/', {});
  location.href = '/';
}

function open(id, focus) {
  say(alertBox, ''); say(statusBox, '');
  for (const b of nav.querySelectorAll('button[data-tab]')) {
    if (b.dataset.tab === id) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  history.replaceState(null, '', `#${id}`);
  const tab = tabs.find((t) => t[0] === id) || tabs[0];
  panel.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  tab[2]().then(() => { if (focus) { const hd = panel.querySelector('h2'); if (hd) hd.focus(); } });
}

async function loadEventTypes() {
  const res = await api('GET', '/v1/event-types?limit=200');
  eventTypes = res.ok ? res.body.data : [];
  return res;
}

// Where a booking was made (GET /v1/bookings?faces=all names it), and what to call one
// that has no event type.
const FACE_NAMES = { v1: 'Booking page', '000': 'Time slots', '001': 'Coaching', '002': 'Meetings', '003': 'Business', '004': 'Consultations' };
const FACES = { '000': 'Time slot', '001': 'Coaching session', '002': 'Meeting', '003': 'Business booking', '004': 'Consultation' };
const who = (b) => (b.attendee.name || b.attendee.email
  ? [b.attendee.name, b.attendee.email ? `(${b.attendee.email})` : ''].filter(Boolean).join(' ') : '—');

// Bookings from every face: upcoming and past, with confirm / decline / cancel (a
// meeting's booking changes with the meeting, on its own face).
async function showBookings() {
  await loadEventTypes();
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const [up, past] = await Promise.all([
    api('GET', `/v1/bookings?faces=all&from=${encodeURIComponent(now)}&limit=200`),
    api('GET', `/v1/bookings?faces=all&to=${encodeURIComponent(now)}&limit=200`),
  ]);
  if (!up.ok) { fail(up); panel.replaceChildren(); return; }
  const title = (b) => (eventTypes.find((t) => t.id === b.event_type_id) || {}).title || FACES[b.face] || 'Booking';
  const table = (rows, caption) => {
    if (!rows.length) return h('p', { class: 'muted' }, 'None.');
    return h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ['When', 'What', 'Who', 'Made through', 'Status', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((b) => row(b)))));
  };
  const row = (b) => {
    const actions = h('div', { class: 'row-actions' });
    const live = (b.status === 'accepted' || b.status === 'pending') && b.face !== '002';
    if (live && b.status === 'pending') {
      actions.append(h('button', { type: 'button', onclick: () => act(b, 'confirm') }, 'Confirm'));
      actions.append(h('button', { type: 'button', class: 'secondary', onclick: (e) => askReason(b, 'decline', actions, e.currentTarget) }, 'Decline'));
    }
    if (live && new Date(b.end) > new Date()) actions.append(h('button', { type: 'button', class: 'danger', onclick: (e) => askReason(b, 'cancel', actions, e.currentTarget) }, 'Cancel'));
    return h('tr', { dataset: { booking: b.id } },
      h('td', { 'data-label': 'When' }, rangeOf(b.start, b.end, zone)), h('td', { 'data-label': 'What' }, title(b)),
      h('td', { 'data-label': 'Who' }, who(b)),
      h('td', { 'data-label': 'Made through', class: 'booking-face' }, FACE_NAMES[b.face] || b.face),
      h('td', { 'data-label': 'Status', class: 'booking-status' }, b.status), h('td', { 'data-label': 'Actions' }, actions));
  };
  panel.replaceChildren(
    h('h2', { tabindex: '-1' }, 'Bookings'),
    h('p', { class: 'muted' }, `Times in ${zone.replaceAll('_', ' ')}.`),
    h('h3', {}, 'Upcoming'), table(up.body.data, 'Upcoming bookings'),
    h('h3', {}, 'Past'), table(past.ok ? past.body.data.slice().reverse() : [], 'Past bookings'));
}

const MAX_REASON = 1000;

// Declining or cancelling asks for an optional reason in place of the row's buttons:
// a labelled "Reason" field, Confirm and Back (Escape goes back too).
function askReason(b, what, actions, opener) {
  const kept = [...actions.childNodes];
  const id = `reason-${b.id}`;
  const input = h('input', { id, name: 'reason', maxlength: String(MAX_REASON), autocomplete: 'off', 'aria-describedby': `${id}-hint` });
  const problem = messageBox('alert');
  const confirm = h('button', { type: 'submit', class: what === 'cancel' ? 'danger' : 'primary' }, 'Confirm');
  let refused = false;
  const back = async () => {
    if (refused) { await showBookings(); const again = panel.querySelector(`tr[data-booking="${b.id}"] button`); if (again) again.focus(); return; }
    actions.replaceChildren(...kept); say(alertBox, ''); if (opener.isConnected) opener.focus();
  };
  const form = h('form', { class: 'reason-form', novalidate: true, 'aria-label': what === 'decline' ? 'Decline the booking' : 'Cancel the booking' },
    h('div', { class: 'field' }, h('label', { for: id }, 'Reason'), input,
      h('p', { class: 'hint', id: `${id}-hint` }, b.face === 'v1'
        ? (what === 'decline' ? 'Optional: why you decline.' : 'Optional: why you cancel.')
        : `Optional; ${FACE_NAMES[b.face] || b.face} bookings keep no reason.`)),
    problem,
    h('div', { class: 'row-actions' }, confirm, h('button', { type: 'button', class: 'secondary', onclick: back }, 'Back')));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); back(); } });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = input.value.trim();
    if ([...reason].length > MAX_REASON) { say(problem, `The reason must be at most ${MAX_REASON} characters.`); input.focus(); return; }
    confirm.disabled = true;
    const res = await act(b, what, reason ? { reason } : {}, false);
    if (!res.ok) {
      // The refusal, in the form (its field list only where it says more); Back then
      // reloads the list, since the booking changed elsewhere.
      const text = problemText(res);
      say(statusBox, '');
      say(problem, text, errorsOf(res).filter((e) => !e.endsWith(`: ${text}`)));
      refused = true;
      confirm.disabled = false;
      input.focus();
    }
  });
  actions.replaceChildren(form);
  input.focus();
}

// Returns the answer; a refusal is shown in the page's alert unless `report` is false.
async function act(b, what, body = {}, report = true) {
  const res = await api('POST', `/v1/bookings/${b.id}/${what}`, body);
  if (!res.ok) { if (report) fail(res); return res; }
  await showBookings();
  done(what === 'confirm' ? 'Booking confirmed.' : what === 'decline' ? 'Booking declined.' : 'Booking cancelled.');
  return res;
}

// Hours: one schedule's weekly hours (one stretch per day here) and its date overrides.
async function schedule() {
  const res = await api('GET', '/v1/schedules?limit=200');
  if (!res.ok) return { error: res };
  if (res.body.data.length) return { schedule: res.body.data[0] };
  const made = await api('POST', '/v1/schedules', { name: 'Working hours', time_zone: zone, weekly: [] });
  return made.ok ? { schedule: made.body } : { error: made };
}

async function showHours() {
  const got = await schedule();
  if (got.error) { fail(got.error); panel.replaceChildren(); return; }
  const s = got.schedule;
  let tz = s.time_zone;
  const rows = DAYS.map((day) => {
    const spans = s.weekly.filter((w) => w.day === day);
    const on = h('input', { type: 'checkbox', id: `on-${day}`, checked: spans.length > 0 });
    const start = h('input', { type: 'time', id: `start-${day}`, value: spans[0] ? spans[0].start : '09:00' });
    const end = h('input', { type: 'time', id: `end-${day}`, value: spans[0] ? (spans[0].end === '24:00' ? '23:59' : spans[0].end) : '17:00' });
    // Stretches after the first (set through the API) are kept as they are.
    const more = spans.slice(1);
    return { day, on, start, end, more, el: h('div', { class: 'hours-row' },
      h('div', { class: 'field inline' }, on, h('label', { for: on.id }, DAY_NAMES[day])),
      h('div', { class: 'field' }, h('label', { for: start.id }, h('span', { class: 'visually-hidden' }, `${DAY_NAMES[day]} `), 'From'), start),
      h('div', { class: 'field' }, h('label', { for: end.id }, h('span', { class: 'visually-hidden' }, `${DAY_NAMES[day]} `), 'Until'), end),
      more.length ? h('p', { class: 'hint' }, `Also ${more.map((w) => `${w.start}–${w.end}`).join(', ')} (kept)`) : null) };
  });
  const overrides = s.overrides.slice();
  const list = h('ul', { class: 'overrides' });
  const drawOverrides = () => {
    list.replaceChildren(...overrides.map((o, i) => h('li', {},
      `${o.date}: ${o.intervals.length ? o.intervals.map((x) => `${x.start}–${x.end}`).join(', ') : 'closed'} `,
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove the override of ${o.date}`, onclick: () => { overrides.splice(i, 1); drawOverrides(); } }, 'Remove'))));
    if (!overrides.length) list.append(h('li', { class: 'muted' }, 'No date overrides.'));
  };
  drawOverrides();
  const odate = h('input', { type: 'date', id: 'override-date' });
  const oclosed = h('input', { type: 'checkbox', id: 'override-closed', checked: true });
  const ostart = h('input', { type: 'time', id: 'override-start', value: '09:00' });
  const oend = h('input', { type: 'time', id: 'override-end', value: '17:00' });
  const addOverride = () => {
    if (!odate.value) { say(alertBox, 'Choose the date of the override.'); odate.focus(); return; }
    const intervals = oclosed.checked ? [] : [{ start: ostart.value, end: oend.value }];
    const at = overrides.findIndex((o) => o.date === odate.value);
    if (at >= 0) overrides.splice(at, 1);
    overrides.push({ date: odate.value, intervals });
    overrides.sort((a, b) => a.date.localeCompare(b.date));
    drawOverrides();
    say(alertBox, '');
  };
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save hours');
  const form = h('form', { novalidate: true },
    zoneSelect(tz, (z) => { tz = z; }),
    h('h3', {}, 'Weekly hours'), h('div', { class: 'hours' }, rows.map((r) => r.el)),
    h('h3', {}, 'Date overrides'), list,
    h('fieldset', {}, h('legend', {}, 'Add a date override'),
      field('override-date', 'Date', odate),
      h('div', { class: 'field inline' }, oclosed, h('label', { for: 'override-closed' }, 'Closed all day')),
      field('override-start', 'Open from', ostart), field('override-end', 'Open until', oend),
      h('button', { type: 'button', class: 'secondary', onclick: addOverride }, 'Add override')),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const weekly = rows.filter((r) => r.on.checked).flatMap((r) => [
      { day: r.day, start: r.start.value, end: r.end.value === '23:59' ? '24:00' : r.end.value }, ...r.more]);
    save.disabled = true;
    const res = await api('PATCH', `/v1/schedules/${s.id}`, { time_zone: tz, weekly, overrides });
    save.disabled = false;
    if (!res.ok) { fail(res); return; }
    done('Hours saved.');
    for (const t of eventTypes) if (!t.schedule_id) await api('PATCH', `/v1/event-types/${t.id}`, { schedule_id: s.id });
  });
  await loadEventTypes();
  panel.replaceChildren(h('h2', { tabindex: '-1' }, 'Hours'),
    h('p', { class: 'muted' }, `“${s.name}”: when your event types can be booked.`), form);
}

// Event types: list, create, edit, copy the public link.
const publicUrl = (t) => `${location.origin}/book/${encodeURIComponent(data.username)}/${t.slug}`;

async function showEventTypes() {
  const res = await loadEventTypes();
  if (!res.ok) { fail(res); panel.replaceChildren(); return; }
  const items = eventTypes.map((t) => h('li', { class: 'card', dataset: { slug: t.slug } },
    h('span', { class: 'card-title' }, t.title),
    h('span', { class: 'muted' }, `${t.duration_minutes} min · ${t.public ? 'public' : 'private'}${t.requires_confirmation ? ' · you confirm each booking' : ''}`),
    t.public ? h('a', { href: publicUrl(t) }, publicUrl(t)) : null,
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => editForm(t) }, `Edit ${t.title}`),
      t.public ? h('button', { type: 'button', class: 'secondary', onclick: () => copy(publicUrl(t)) }, `Copy link to ${t.title}`) : null)));
  panel.replaceChildren(h('h2', { tabindex: '-1' }, 'Event types'),
    h('p', {}, h('button', { type: 'button', onclick: () => editForm(null) }, 'New event type')),
    items.length ? h('ul', { class: 'cards' }, items) : h('p', { class: 'muted' }, 'No event types yet.'));
}

async function copy(text) {
  try { await navigator.clipboard.writeText(text); done(`Copied ${text}`); } catch (e) { done(`The link: ${text}`); }
}

async function editForm(t) {
  const got = await schedule();
  const title = h('input', { id: 'et-title', value: t ? t.title : '', required: true, maxlength: 200 });
  const slug = h('input', { id: 'et-slug', value: t ? t.slug : '', required: true, maxlength: 100, pattern: '[a-z0-9-]+' });
  const duration = h('input', { id: 'et-duration', type: 'number', min: 1, max: 1440, value: t ? t.duration_minutes : 30 });
  const description = h('textarea', { id: 'et-description', rows: 3 });
  description.value = t ? t.description : '';
  const isPublic = h('input', { type: 'checkbox', id: 'et-public', checked: t ? t.public : true });
  const confirmEach = h('input', { type: 'checkbox', id: 'et-confirm', checked: t ? t.requires_confirmation : false });
  if (!t) title.addEventListener('input', () => { slug.value = title.value.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 100); });
  const save = h('button', { type: 'submit', class: 'primary' }, t ? 'Save changes' : 'Create event type');
  const form = h('form', { novalidate: true },
    h('h2', { tabindex: '-1' }, t ? `Edit ${t.title}` : 'New event type'),
    field('et-title', 'Title', title),
    field('et-slug', 'Link name (a-z, 0-9, -)', slug),
    field('et-duration', 'Duration (minutes)', duration),
    field('et-description', 'Description (optional)', description),
    h('div', { class: 'field inline' }, isPublic, h('label', { for: 'et-public' }, 'Public: anyone with the link can book')),
    h('div', { class: 'field inline' }, confirmEach, h('label', { for: 'et-confirm' }, 'I confirm each booking')),
    h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'secondary', onclick: () => open('event-types', true) }, 'Back')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      title: title.value.trim(), slug: slug.value.trim(), duration_minutes: Number(duration.value),
      description: description.value, public: isPublic.checked, requires_confirmation: confirmEach.checked,
    };
    if (!t && got.schedule) body.schedule_id = got.schedule.id;
    save.disabled = true;
    const res = t ? await api('PATCH', `/v1/event-types/${t.id}`, body) : await api('POST', '/v1/event-types', body);
    save.disabled = false;
    if (!res.ok) { fail(res); return; }
    await showEventTypes();
    done(t ? 'Event type saved.' : `Created ${res.body.title}.`);
    panel.querySelector('h2').focus();
  });
  panel.replaceChildren(form);
  title.focus();
}

// The embed snippet for each public event type.
async function showEmbed() {
  await loadEventTypes();
  const pub = eventTypes.filter((t) => t.public);
  const page = `/book/${encodeURIComponent(data.username)}`;
  const snippet = (path) => `<script src="${location.origin}/embed.js" data-kairos-page="${path}" async></script>`;
  const frame = (path) => `<iframe src="${location.origin}${path}?embed=1" title="Book a time" style="width:100%;min-height:760px;border:0"></iframe>`;
  panel.replaceChildren(h('h2', { tabindex: '-1' }, 'Embed'),
    h('p', {}, 'Paste one of these into another site to show your booking page there.'),
    h('h3', {}, 'All your event types'), h('pre', { class: 'snippet' }, snippet(page)),
    ...pub.flatMap((t) => [h('h3', {}, t.title), h('pre', { class: 'snippet' }, snippet(`${page}/${t.slug}`)),
      h('p', { class: 'muted' }, 'Or as an iframe:'), h('pre', { class: 'snippet' }, frame(`${page}/${t.slug}`))]));
}

if (!data.signed_in) {
  signIn();
} else {
  app.replaceChildren(h('h1', {}, `Hello, ${data.username}`),
    h('p', {}, h('a', { href: `/book/${encodeURIComponent(data.username)}` }, 'Your public booking page')),
    nav, alertBox, statusBox, panel);
  const first = location.hash.slice(1);
  open(tabs.some((t) => t[0] === first) ? first : 'bookings', false);
}
