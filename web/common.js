// What every page shares: the page's data, building elements, calling /v1, time zones and
// formatting in the browser's locale, and the month calendar of free slots.

export function pageData() {
  const el = document.getElementById('kairos-data');
  return el ? JSON.parse(el.textContent) : {};
}

// h('button', {class: 'x', onclick: f, dataset: {start: '…'}}, 'text', child, …)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

// Calls the API on this server. Answers {ok, status, body} (body: parsed JSON or text).
// A session's unsafe requests carry the CSRF token from its cookie.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const csrf = cookie('csrftoken');
  if (csrf && method !== 'GET') headers['X-CSRFToken'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    return { ok: false, status: 0, body: { detail: 'The server cannot be reached. Check the connection and try again.' } };
  }
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  return { ok: res.ok, status: res.status, body: parsed };
}

// A problem body's words for a person: its detail, and each field's message.
export function problemText(res) {
  const b = res.body || {};
  if (typeof b === 'string') return b || `Something went wrong (${res.status}).`;
  const parts = [];
  if (b.detail) parts.push(b.detail);
  else if (b.err_message) parts.push([].concat(b.err_message).join(' '));
  else if (b.title) parts.push(b.title);
  return parts.join(' ') || `Something went wrong (${res.status}).`;
}

// An element that announces errors (role="alert") or news (role="status").
export function messageBox(role = 'alert') {
  const el = h('div', { role, class: role === 'alert' ? 'alert' : 'status', 'aria-live': role === 'alert' ? 'assertive' : 'polite' });
  el.hidden = true;
  return el;
}
export function say(box, text, items = []) {
  box.replaceChildren();
  if (!text) { box.hidden = true; return; }
  box.append(h('p', {}, text));
  if (items.length) box.append(h('ul', {}, items.map((i) => h('li', {}, i))));
  box.hidden = false;
}

// ---- Time zones and formatting -----------------------------------------------------

export function browserZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { return 'UTC'; }
}

export function zoneNames(current) {
  let names = [];
  try { names = Intl.supportedValuesOf('timeZone'); } catch (e) { names = []; }
  names = names.slice();
  for (const z of ['UTC', current]) if (z && !names.includes(z)) names.push(z);
  return names.sort();
}

let zoneCounter = 0;
// A labelled <select> of every zone the browser knows.
export function zoneSelect(current, onChange) {
  const id = `zone-${++zoneCounter}`;
  const select = h('select', { id, name: 'time_zone' },
    zoneNames(current).map((z) => h('option', { value: z, selected: z === current }, z.replaceAll('_', ' '))));
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'field zone' }, h('label', { for: id }, 'Time zone'), select);
}

const formats = new Map();
function fmt(zone, options) {
  const key = zone + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(undefined, { timeZone: zone, ...options }));
  return formats.get(key);
}
export const timeOf = (iso, zone) => fmt(zone, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
export const dayOf = (iso, zone) => fmt(zone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
export function rangeOf(start, end, zone) {
  return `${dayOf(start, zone)}, ${timeOf(start, zone)} – ${timeOf(end, zone)}`;
}
// "YYYY-MM-DD" of an instant in a zone.
export function localDate(date, zone) {
  const p = Object.fromEntries(fmt(zone, { year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

// The first day of the week for the browser's locale: 1 = Monday … 7 = Sunday.
export function weekStart() {
  try {
    const loc = new Intl.Locale(navigator.language || 'en-US');
    const info = loc.getWeekInfo ? loc.getWeekInfo() : loc.weekInfo;
    if (info && info.firstDay) return info.firstDay;
  } catch (e) { /* older browsers */ }
  const region = (navigator.language || '').split('-')[1] || '';
  return ['US', 'CA', 'BR', 'JP', 'MX', 'IL', 'PH', 'KR', 'TW', 'HK', 'IN', 'ZA'].includes(region.toUpperCase()) ? 7 : 1;
}

const pad = (n) => String(n).padStart(2, '0');
const dateKey = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;
// Civil dates are computed in UTC, where no day is skipped or doubled.
const civil = (y, m, d) => new Date(Date.UTC(y, m - 1, d, 12));
const monthName = (y, m) => new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(civil(y, m, 1));
const dayLabel = (y, m, d) => new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(civil(y, m, d));

// ---- The month calendar of free slots ------------------------------------------------

// Shows a month with the days that have free slots marked; picking a day lists its slots,
// each a <button data-start="<UTC RFC 3339>">. `onChoose(slot, zone)` gets the chosen one.
// `refresh()` reloads the month (after a refusal, for instance).
export function createPicker({ eventTypeId, zone, month, onChoose, onZone }) {
  const state = { zone, year: 0, month: 0, days: {}, selected: null, loading: false };
  const today = localDate(new Date(), zone);
  if (month) { state.year = +month.slice(0, 4); state.month = +month.slice(5, 7); }
  else { state.year = +today.slice(0, 4); state.month = +today.slice(5, 7); }

  const root = h('section', { class: 'picker', 'aria-label': 'Choose a time' });
  const caption = h('h2', { class: 'month-name', id: `month-${++zoneCounter}`, 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'nav', 'aria-label': 'Previous month', onclick: () => move(-1) }, '‹');
  const next = h('button', { type: 'button', class: 'nav', 'aria-label': 'Next month', onclick: () => move(1) }, '›');
  const grid = h('div', { class: 'month', role: 'group', 'aria-labelledby': caption.id });
  const slotsHeading = h('h3', { class: 'slots-heading', tabindex: '-1' });
  const slotsList = h('ul', { class: 'slots' });
  const status = h('p', { class: 'muted picker-status', role: 'status' });
  const zoneField = zoneSelect(zone, (z) => {
    state.zone = z;
    if (onZone) onZone(z);
    load();
  });
  root.append(
    h('div', { class: 'picker-top' }, h('div', { class: 'month-bar' }, prev, caption, next), zoneField),
    h('div', { class: 'picker-body' }, grid, h('div', { class: 'day-slots' }, slotsHeading, status, slotsList)),
  );

  function move(delta) {
    let m = state.month + delta, y = state.year;
    if (m < 1) { m = 12; y -= 1; } else if (m > 12) { m = 1; y += 1; }
    state.year = y; state.month = m; state.selected = null;
    load();
  }

  async function load() {
    state.loading = true;
    caption.textContent = monthName(state.year, state.month);
    status.textContent = 'Loading free times…';
    const last = new Date(Date.UTC(state.year, state.month, 0)).getUTCDate();
    const q = new URLSearchParams({
      event_type_id: eventTypeId,
      start: dateKey(state.year, state.month, 1),
      end: dateKey(state.year, state.month, last),
      time_zone: state.zone,
    });
    const res = await api('GET', `/v1/slots?${q}`);
    state.loading = false;
    state.days = res.ok ? res.body.days || {} : {};
    if (!res.ok) status.textContent = problemText(res);
    if (state.selected && !state.days[state.selected]) state.selected = null;
    render(res.ok);
  }

  function render(ok = true) {
    const first = weekStart();  // 1..7
    const y = state.year, m = state.month;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const firstDow = civil(y, m, 1).getUTCDay() || 7;  // 1..7, Monday = 1
    const lead = (firstDow - first + 7) % 7;
    grid.replaceChildren();
    const names = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });
    for (let i = 0; i < 7; i++) {
      const dow = ((first - 1 + i) % 7) + 1;
      // 2024-01-01 was a Monday.
      grid.append(h('span', { class: 'dow', 'aria-hidden': 'true' }, names.format(civil(2024, 1, dow))));
    }
    for (let i = 0; i < lead; i++) grid.append(h('span', { class: 'blank', 'aria-hidden': 'true' }));
    let free = 0;
    for (let d = 1; d <= last; d++) {
      const key = dateKey(y, m, d);
      const count = (state.days[key] || []).length;
      if (count) free++;
      const label = `${dayLabel(y, m, d)}${count ? `, ${count} free ${count === 1 ? 'time' : 'times'}` : ', no free times'}`;
      grid.append(h('button', {
        type: 'button',
        class: `day${count ? ' free' : ''}${key === today ? ' today' : ''}`,
        disabled: !count,
        'aria-pressed': count ? String(key === state.selected) : null,
        'aria-label': label,
        dataset: { date: key },
        onclick: () => select(key, true),
      }, String(d)));
    }
    if (ok) status.textContent = free ? '' : 'No free times this month.';
    renderSlots();
  }

  function select(key, focus) {
    state.selected = key;
    for (const b of grid.querySelectorAll('button.day')) {
      if (!b.disabled) b.setAttribute('aria-pressed', String(b.dataset.date === key));
    }
    renderSlots();
    if (focus) slotsHeading.focus();
  }

  function renderSlots() {
    slotsList.replaceChildren();
    if (!state.selected) {
      slotsHeading.textContent = Object.keys(state.days).length ? 'Pick a day' : '';
      return;
    }
    const [y, m, d] = state.selected.split('-').map(Number);
    slotsHeading.textContent = dayLabel(y, m, d);
    for (const slot of state.days[state.selected] || []) {
      slotsList.append(h('li', {}, h('button', {
        type: 'button', class: 'slot', dataset: { start: slot.start },
        onclick: (e) => choose(slot, e.currentTarget),
      }, timeOf(slot.start, state.zone))));
    }
  }

  async function choose(slot, button) {
    for (const b of slotsList.querySelectorAll('button')) b.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try { await onChoose(slot, state.zone); } finally {
      for (const b of slotsList.querySelectorAll('button')) b.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  load();
  return {
    element: root,
    refresh: load,
    get zone() { return state.zone; },
  };
}
