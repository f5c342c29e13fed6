// The attendee's page for one booking (/manage/{id}?token=…): see it, cancel it with a
// reason, or move it with the same calendar (the old time is released only when the new
// one is booked: /v1's reschedule does both in one step).
import { api, browserZone, createPicker, h, messageBox, pageData, problemText, rangeOf, say } from './common.js';

const data = pageData();
const token = new URLSearchParams(location.search).get('token') || '';
const app = document.getElementById('app');
const alertBox = messageBox('alert');
const statusBox = messageBox('status');
let zone = browserZone();
let booking = data.booking;

const words = { accepted: 'Booked', pending: 'Waiting for the host to confirm', cancelled: 'Cancelled', declined: 'Declined by the host' };
const path = (what = '') => `/v1/bookings/${booking.id}${what}?token=${encodeURIComponent(token)}`;

function show(focusHeading) {
  const live = (booking.status === 'accepted' || booking.status === 'pending') && new Date(booking.start) > new Date();
  const heading = h('h2', { tabindex: '-1' }, data.title || 'Booking');
  const view = h('div', { class: 'view' },
    heading,
    h('dl', { class: 'facts-list' },
      h('dt', {}, 'Status'), h('dd', { id: 'booking-status', dataset: { status: booking.status } }, words[booking.status] || booking.status),
      h('dt', {}, 'When (your time)'),
      h('dd', { dataset: { zone: 'visitor' } }, `${rangeOf(booking.start, booking.end, zone)} (${zone.replaceAll('_', ' ')})`),
      data.host_zone ? [h('dt', {}, 'When (host’s time)'),
        h('dd', { dataset: { zone: 'host' } }, `${rangeOf(booking.start, booking.end, data.host_zone)} (${data.host_zone.replaceAll('_', ' ')})`)] : null,
      h('dt', {}, 'With'), h('dd', {}, booking.host.name),
      h('dt', {}, 'Who'), h('dd', {}, `${booking.attendee.name} (${booking.attendee.email})`),
      booking.reason ? [h('dt', {}, 'Reason'), h('dd', {}, booking.reason)] : null),
    booking.status !== 'cancelled' && booking.status !== 'declined'
      ? h('p', {}, h('a', { class: 'button secondary', href: path('.ics'), download: 'booking.ics' }, 'Add to calendar')) : null,
    live ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: reschedule }, 'Reschedule'),
      h('button', { type: 'button', class: 'danger', onclick: cancelForm }, 'Cancel booking')) : null);
  app.replaceChildren(alertBox, statusBox, view);
  if (focusHeading) heading.focus();
}

function cancelForm() {
  say(alertBox, '');
  const reason = h('textarea', { id: 'reason', name: 'reason', rows: 3, maxlength: 1000 });
  const go = h('button', { type: 'submit', class: 'danger' }, 'Cancel booking');
  const form = h('form', { class: 'details', novalidate: true },
    h('h2', { tabindex: '-1' }, 'Cancel this booking'),
    h('div', { class: 'field' }, h('label', { for: 'reason' }, 'Reason for cancelling (optional)'), reason),
    h('div', { class: 'actions' }, go, h('button', { type: 'button', class: 'secondary', onclick: () => show(true) }, 'Keep it')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    go.disabled = true;
    const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
    const res = await api('POST', path('/cancel'), body);
    go.disabled = false;
    if (!res.ok) { say(alertBox, problemText(res)); return; }
    booking = res.body;
    say(statusBox, 'Your booking is cancelled.');
    show(true);
  });
  app.replaceChildren(alertBox, statusBox, form);
  form.querySelector('h2').focus();
}

function reschedule() {
  say(alertBox, '');
  say(statusBox, '');
  const heading = h('h2', { tabindex: '-1' }, 'Choose a new time');
  const picker = createPicker({
    eventTypeId: booking.event_type_id, zone, month: booking.start.slice(0, 7),
    onZone: (z) => { zone = z; },
    onChoose: async (slot, z) => {
      zone = z;
      say(alertBox, '');
      const res = await api('POST', path('/reschedule'), { start: slot.start });
      if (res.ok) {
        booking = res.body;
        say(statusBox, `Moved to ${rangeOf(booking.start, booking.end, zone)}.`);
        show(true);
        return;
      }
      if (res.status === 409 || res.status === 422) {
        say(alertBox, 'Sorry, that time was just taken. Please choose another time. Your booking has not changed.');
        await picker.refresh();
      } else {
        say(alertBox, problemText(res));
      }
    },
  });
  app.replaceChildren(alertBox, statusBox, h('div', { class: 'view' }, heading,
    h('p', { class: 'muted' }, `Now: ${rangeOf(booking.start, booking.end, zone)}. It stays booked until the new time is.`),
    picker.element,
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => show(true) }, 'Keep the current time'))));
  heading.focus();
}

if (!booking) {
  say(alertBox, 'This link does not open a booking. Check that it is complete, as it came in your email.');
  app.replaceChildren(alertBox);
} else {
  show(false);
}
