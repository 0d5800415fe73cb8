// DOM building without innerHTML: every piece of text goes through textContent / text nodes.

/**
 * h('div', {class: 'card', onclick: fn, 'aria-label': 'x'}, child, 'text', [more])
 * Attribute values are set with setAttribute; children that are strings become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'required' || key === 'hidden') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  return append(el, ...children);
}

/** Appends children (nodes, strings, nested arrays); null, undefined and false are skipped. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** An SVG element (charts). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined && value !== null) el.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// ---------- formatting ----------

const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export const fmt = {
  date: (iso) => (iso ? dateFormat.format(new Date(iso)) : '—'),
  time: (iso) => (iso ? timeFormat.format(new Date(iso)) : '—'),
  /** Time of day when today, otherwise date and time. */
  when(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return d.toDateString() === new Date().toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
  },
  /**
   * A moment to come, as people say it, in the browser's time: "now", "in 3 min" (within the hour), "today 09:00",
   * "tomorrow 09:00", "Mon 30 Nov 09:00"; past moments read like when().
   */
  friendly(iso, now = Date.now()) {
    if (!iso) return '—';
    const d = new Date(iso);
    const ms = d.getTime() - now;
    if (ms < -60_000) return fmt.when(iso);
    if (ms < 45_000) return 'now';
    if (ms < 3_600_000) return `in ${Math.round(ms / 60_000)} min`;
    const clock = clockFormat.format(d);
    const day = new Date(now);
    if (d.toDateString() === day.toDateString()) return `today ${clock}`;
    day.setDate(day.getDate() + 1);
    if (d.toDateString() === day.toDateString()) return `tomorrow ${clock}`;
    return `${dayFormat.format(d)} ${clock}`;
  },
  /** "in 15 min", "2 h ago", "now". */
  relative(iso, now = Date.now()) {
    if (!iso) return '';
    const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
    const abs = Math.abs(seconds);
    if (abs < 45) return 'now';
    let text;
    if (abs < 3600) text = `${Math.round(abs / 60)} min`;
    else if (abs < 86400) {
      const hours = Math.floor(abs / 3600);
      const minutes = Math.round((abs % 3600) / 60);
      text = minutes ? `${hours} h ${minutes} min` : `${hours} h`;
    } else text = `${Math.round(abs / 86400)} d`;
    return seconds > 0 ? `in ${text}` : `${text} ago`;
  },
  duration(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    const s = Math.round(seconds);
    if (s < 60) return `${s}s`;
    return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  },
  /** The time of day of a moment on another clock: "9:00 AM" in an IANA zone (the browser's when it does not know it). */
  clockIn(iso, timeZone) {
    if (!iso) return '—';
    try {
      return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(iso));
    } catch {
      return timeFormat.format(new Date(iso));
    }
  },
  /** The place an IANA zone is named after: "Tokyo" for Asia/Tokyo, "Port of Spain" for America/Port_of_Spain. */
  place: (timeZone) => (timeZone ?? '').split('/').pop().replace(/_/g, ' '),
  money: (amount) => (amount === null || amount === undefined ? '—' : `$${Number(amount).toFixed(2)}`),
  percent: (ratio) => `${Math.round((ratio ?? 0) * 100)}%`,
  number: (n) => (n === null || n === undefined ? '—' : new Intl.NumberFormat().format(n)),
};

/** An element whose text is a relative time, kept current by tickRelativeTimes(). */
export function relativeTime(iso, prefix = '') {
  return h('span', { class: 'rel-time', dataset: { at: iso ?? '', prefix } }, iso ? `${prefix}${fmt.relative(iso)}` : '');
}

export function tickRelativeTimes(root = document) {
  for (const el of root.querySelectorAll('.rel-time')) {
    if (el.dataset.at) el.textContent = `${el.dataset.prefix ?? ''}${fmt.relative(el.dataset.at)}`;
  }
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** YYYY-MM-DD of "today" in an IANA time zone (falls back to the browser's). */
export function todayIn(timeZone) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  }
}

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
