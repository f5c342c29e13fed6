// The booking page: pick a day and a time in your zone, the time is held while you fill
// in the form, "Confirm" books it, and the confirmation says when in both zones.
import { api, browserZone, createPicker, h, messageBox, pageData, problemText, rangeOf, say, timeOf } from './common.js';

const data = pageData();
const et = data.event_type;
const host = data.host;
const app = document.getElementById('app');
const alertBox = messageBox('alert');
let zone = browserZone();
let hold = null;

const picker = createPicker({
  eventTypeId: et.id, zone, month: data.month,
  onZone: (z) => { zone = z; },
  onChoose: async (slot, z) => {
    zone = z;
    say(alertBox, '');
    const res = await api('POST', '/v1/holds', { event_type_id: et.id, start: slot.start });
    if (res.ok) {
      hold = res.body;
      showForm();
      return;
    }
    if (res.status === 409 || res.status === 422) {
      say(alertBox, 'Sorry, that time was just taken. Please choose another time.');
      await picker.refresh();
    } else {
      say(alertBox, problemText(res));
    }
  },
});

const pickView = h('div', { class: 'view' }, picker.element);
app.replaceChildren(alertBox, pickView);

function field(id, label, control, hint) {
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, control);
}

function showForm() {
  const when = rangeOf(hold.start, hold.end, zone);
  const heading = h('h2', { tabindex: '-1' }, 'Your details');
  const controls = {};
  const fields = [];
  controls['attendee.name'] = h('input', { id: 'name', name: 'name', type: 'text', autocomplete: 'name', required: true, maxlength: 200 });
  fields.push(field('name', 'Name', controls['attendee.name']));
  controls['attendee.email'] = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: 254 });
  fields.push(field('email', 'Email', controls['attendee.email']));
  for (const q of et.questions || []) {
    const id = `q-${q.name}`;
    let control;
    if (q.type === 'textarea') control = h('textarea', { id, name: q.name, rows: 3 });
    else if (q.type === 'select') {
      control = h('select', { id, name: q.name },
        h('option', { value: '' }, q.required ? 'Choose one' : '(none)'),
        q.options.map((o) => h('option', { value: o }, o)));
    } else {
      const type = q.type === 'email' ? 'email' : q.type === 'phone' ? 'tel' : 'text';
      control = h('input', { id, name: q.name, type, autocomplete: type === 'tel' ? 'tel' : null });
    }
    if (q.required) control.required = true;
    controls[`answers.${q.name}`] = control;
    fields.push(field(id, q.required ? q.label : `${q.label} (optional)`, control));
  }
  controls.guests = h('textarea', { id: 'guests', name: 'guests', rows: 2 });
  fields.push(field('guests', 'Guests (optional)', controls.guests, 'Email addresses, separated by commas or new lines.'));

  const confirm = h('button', { type: 'submit', class: 'primary' }, 'Confirm');
  const back = h('button', { type: 'button', class: 'secondary', onclick: release }, 'Back');
  const form = h('form', { class: 'details', novalidate: true },
    fields, h('div', { class: 'actions' }, confirm, back));
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });

  const view = h('div', { class: 'view' },
    heading,
    h('p', { class: 'when' }, h('strong', {}, et.title), h('br'), `${when} (${zone.replaceAll('_', ' ')})`),
    h('p', { class: 'muted' }, `This time is held for you until ${timeOf(hold.expires_at, zone)}.`),
    form);
  app.replaceChildren(alertBox, view);
  heading.focus();

  async function release() {
    if (hold) api('DELETE', `/v1/holds/${hold.id}`);
    hold = null;
    say(alertBox, '');
    app.replaceChildren(alertBox, pickView);
    picker.refresh();
  }

  function mark(errors) {
    for (const c of Object.values(controls)) c.removeAttribute('aria-invalid');
    let first = null;
    for (const e of errors) {
      const key = e.field.startsWith('guests') ? 'guests' : e.field;
      const c = controls[key];
      if (c) { c.setAttribute('aria-invalid', 'true'); first = first || c; }
    }
    if (first) first.focus();
  }

  function labelOf(key) {
    const c = controls[key];
    const l = c && form.querySelector(`label[for="${c.id}"]`);
    return l ? l.textContent : key;
  }

  async function submit() {
    const name = controls['attendee.name'].value.trim();
    const email = controls['attendee.email'].value.trim();
    const local = [];
    if (!name) local.push({ field: 'attendee.name', message: 'Please enter your name.' });
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) local.push({ field: 'attendee.email', message: 'Please enter an email address like name@example.com.' });
    const answers = {};
    for (const q of et.questions || []) {
      const v = controls[`answers.${q.name}`].value.trim();
      if (v) answers[q.name] = v;
      else if (q.required) local.push({ field: `answers.${q.name}`, message: `Please answer “${q.label}”.` });
    }
    if (local.length) {
      say(alertBox, 'Please check the form.', local.map((e) => e.message));
      mark(local);
      return;
    }
    const guests = controls.guests.value.split(/[\s,;]+/).map((g) => g.trim()).filter(Boolean);
    confirm.disabled = true;
    confirm.textContent = 'Booking…';
    const res = await api('POST', '/v1/bookings', {
      event_type_id: et.id, start: hold.start, hold_id: hold.id,
      attendee: { name, email, time_zone: zone }, guests, answers,
    });
    confirm.disabled = false;
    confirm.textContent = 'Confirm';
    if (res.ok) { hold = null; showDone(res.body); return; }
    if (res.status === 409 || res.status === 422 || (res.status === 404 && JSON.stringify(res.body).includes('hold_id'))) {
      hold = null;
      app.replaceChildren(alertBox, pickView);
      say(alertBox, 'Sorry, that time is no longer available. Please choose another time.');
      picker.refresh();
      return;
    }
    const errors = (res.body && res.body.errors) || [];
    say(alertBox, problemText(res), errors.map((e) => `${labelOf(e.field.startsWith('guests') ? 'guests' : e.field)}: ${e.message}`));
    mark(errors);
  }
}

function showDone(b) {
  const pending = b.status === 'pending';
  const heading = h('h2', { tabindex: '-1' }, pending ? 'Requested: the host will confirm' : 'You are booked');
  const token = encodeURIComponent(b.manage_token);
  const view = h('div', { class: 'view done' },
    heading,
    h('dl', { class: 'facts-list' },
      h('dt', {}, 'What'), h('dd', {}, `${et.title} with ${host.name}`),
      h('dt', {}, 'When (your time)'),
      h('dd', { dataset: { zone: 'visitor' } }, `${rangeOf(b.start, b.end, zone)} (${zone.replaceAll('_', ' ')})`),
      h('dt', {}, 'When (host’s time)'),
      h('dd', { dataset: { zone: 'host' } }, `${rangeOf(b.start, b.end, host.time_zone)} (${host.time_zone.replaceAll('_', ' ')})`),
      h('dt', {}, 'Who'), h('dd', {}, `${b.attendee.name} (${b.attendee.email})`)),
    h('p', { class: 'actions' },
      h('a', { class: 'button', href: `/v1/bookings/${b.id}.ics?token=${token}`, download: 'booking.ics' }, 'Add to calendar'),
      h('a', { class: 'button secondary', href: `/manage/${b.id}?token=${token}`, id: 'manage-link' }, 'Manage this booking')),
    h('p', { class: 'muted' }, 'Keep the manage link: it lets you cancel or reschedule.'));
  say(alertBox, '');
  app.replaceChildren(alertBox, view);
  heading.focus();
}
