// The écoute dashboard: one page over the HTTP API (docs in README "Dashboard").
// Plain browser module, no bundler; ECharts is the global `echarts` from /assets/echarts.min.js.
// Safety rule: nothing from a mention is ever parsed as HTML. Text goes in with textContent; the
// API's highlighted snippet is rebuilt as text nodes and <mark> elements (see snippetNodes).
import { fmtDate, fmtNumber, fmtPercent, fmtTone, lang, setLang, t } from './i18n.js';
import { linkedView, mountAlerts, refreshAlerts } from './alerts.js';
import { setupReport } from './report.js';
import { loadImage, resizeImage } from './image.js';

const TOKEN_KEY = 'ecoute.token';
const FACETS = ['sentiment', 'source', 'lang', 'field'];
const INTERVAL_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);

// --- The token: read once from ?token=, kept in the session, removed from the address bar -------

let memoryToken = null; // when sessionStorage is unavailable
takeTokenFromUrl();

function takeTokenFromUrl() {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token === null) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // no session storage: the token still works for this page through `memoryToken`
  }
  memoryToken = token;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
}

function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? memoryToken ?? null;
  } catch {
    return memoryToken ?? null;
  }
}

// --- API calls ----------------------------------------------------------------------------------

/** An API answer other than 2xx: its status and the catalogue code and reason the API sent (`{ error, reason }`). */
class ApiError {
  constructor(status, body) {
    this.status = status;
    this.code = typeof body?.error === 'string' ? body.error : undefined;
    this.message = `${body?.reason ?? `HTTP ${status}`}${this.code ? ` (${this.code})` : ''}`;
  }
}

const messageOf = (error) => (error instanceof ApiError || error instanceof Error ? error.message : String(error));

async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401) showNotice(t('unauthorized'));
    else if (response.status === 403) showNotice(t('forbidden'));
    throw error;
  }
  return json;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function showNotice(message) {
  const notice = $('notice');
  notice.textContent = message;
  notice.hidden = false;
}

function reportError(error) {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return; // already shown
  showNotice(t('error', messageOf(error)));
}

// --- State --------------------------------------------------------------------------------------

const state = {
  brands: [],
  brand: '',
  q: '',
  sort: 'newest',
  interval: 'day',
  filters: {}, // facet name → value
  day: null, // { start, end } of the chart point clicked, or null
  cursor: null,
  timeline: [],
};
let generation = 0; // a newer refresh makes older answers stale

/** The query plus the facet filters, in the query language: what the charts are drawn for. */
function chartQuery() {
  const parts = [];
  if (state.q.trim()) parts.push(`(${state.q.trim()})`);
  for (const [name, value] of Object.entries(state.filters)) parts.push(`${name}:${quoteValue(value)}`);
  return parts.join(' AND ');
}

function quoteValue(value) {
  return /^[\p{L}\p{N}_.-]+$/u.test(value) ? value : `"${value.replace(/["\\]/g, ' ')}"`;
}

// --- Snippets: the API's HTML-escaped text with <mark>, rebuilt without any HTML parsing ----------

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Text nodes and <mark>s for `snippet`, or null when it holds any tag other than <mark> (then the caller shows plain text). */
export function snippetNodes(snippet) {
  const parts = snippet.split(/(<mark>|<\/mark>)/);
  if (parts.some((part) => part !== '<mark>' && part !== '</mark>' && /[<>]/.test(part))) return null;
  const nodes = [];
  let inMark = false;
  for (const part of parts) {
    if (part === '<mark>') inMark = true;
    else if (part === '</mark>') inMark = false;
    else if (part) {
      const text = document.createTextNode(decodeEntities(part));
      if (inMark) {
        const mark = document.createElement('mark');
        mark.append(text);
        nodes.push(mark);
      } else nodes.push(text);
    }
  }
  return nodes;
}

// --- Small DOM helpers --------------------------------------------------------------------------

function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (attrs) for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function safeHttpUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

const languageNames = () => {
  try {
    return new Intl.DisplayNames([lang()], { type: 'language' });
  } catch {
    return null;
  }
};

const SOURCE_NAMES = {
  rss: 'RSS',
  appstore: 'App Store',
  youtube: 'YouTube',
  trustpilot: 'Trustpilot',
  reddit: 'Reddit',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  hackernews: 'Hacker News',
  webhook: 'Webhook',
};

/** A semantic field's key ("service_support") as words. */
function fieldLabel(field) {
  return field.replace(/_/g, ' ');
}

function facetLabel(name, value) {
  if (name === 'source') return SOURCE_NAMES[value] ?? value;
  if (name === 'field') return fieldLabel(value);
  if (name === 'sentiment') return t(`sentiment_${value}`);
  if (name === 'lang') return languageNames()?.of(value) ?? value;
  if (name === 'brand') return state.brands.find((b) => b.id === value)?.name ?? value;
  return value;
}

function toneClass(score) {
  if (score === null || score === undefined) return 'tone-none';
  if (score <= -0.2) return 'tone-neg';
  if (score >= 0.2) return 'tone-pos';
  return 'tone-mid';
}

// --- Texts of the static page -------------------------------------------------------------------

function translatePage() {
  document.documentElement.lang = lang();
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('q').placeholder = t('queryPlaceholder');
  $('lang').value = lang();
}

// --- Brands -------------------------------------------------------------------------------------

async function loadBrands() {
  const { brands } = await api('/api/brands');
  state.brands = brands;
  const select = $('brand');
  select.replaceChildren(...brands.map((b) => el('option', { text: b.name, attrs: { value: b.id } })));
  state.brand = brands[0]?.id ?? '';
  select.value = state.brand;
}

// --- Live validation and count preview ------------------------------------------------------------

let validateTimer = null;
let validateGeneration = 0;

function scheduleValidation() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validateNow, 300);
}

/** Checks the query; the count is for the selected brand (the query is checked alone so columns stay the person's). */
async function validateNow() {
  const mine = ++validateGeneration;
  const q = $('q').value;
  const status = $('q-status');
  if (!q.trim()) {
    status.textContent = '';
    status.className = 'q-status';
    return true;
  }
  status.textContent = t('validating');
  status.className = 'q-status pending';
  try {
    const result = await api('/api/query/validate', { method: 'POST', body: { q } });
    if (mine !== validateGeneration) return result.ok;
    if (!result.ok) {
      status.textContent = t('validError', result.error.message, result.error.column);
      status.className = 'q-status invalid';
      $('q').setAttribute('aria-invalid', 'true');
      return false;
    }
    $('q').removeAttribute('aria-invalid');
    let count = result.count;
    if (state.brand) {
      const scoped = await api('/api/query/validate', { method: 'POST', body: { q: `brand:${state.brand} AND (${q})` } });
      if (mine !== validateGeneration) return true;
      if (scoped.ok) count = scoped.count;
    }
    status.textContent = t('validOk', count);
    status.className = 'q-status valid';
    return true;
  } catch (error) {
    if (mine === validateGeneration) {
      status.textContent = '';
      reportError(error);
    }
    return false;
  }
}

// --- Results ------------------------------------------------------------------------------------

function mentionParams(cursor) {
  return {
    q: state.q,
    brand: state.brand,
    sort: state.sort,
    limit: PAGE_SIZE,
    cursor,
    from: state.day?.start,
    to: state.day?.end,
    ...state.filters,
  };
}

async function loadMentions(mine, append = false) {
  const result = await api(`/api/mentions${query(mentionParams(append ? state.cursor : undefined))}`);
  if (mine !== generation) return;
  state.cursor = result.next_cursor;
  $('total').textContent = `(${t('total', result.total)})`;
  const list = $('hits');
  if (!append) list.replaceChildren();
  if (!append && result.hits.length === 0) list.append(el('li', { className: 'empty', text: t('noResults') }));
  list.append(...result.hits.map(renderHit));
  $('more').hidden = !result.next_cursor;
  if (!append) renderFacets(result.facets);
}

/**
 * The tone of a hit, said to be uncertain when écoute is not sure of it rather than stated as a
 * verdict (issue 16); and when the mention names several brands and its tone toward the selected
 * one differs (the API's by_brand: "Globex is so much better than Acme"), that tone beside it. The
 * first badge stays the mention's tone, the one the tone facet filters on.
 */
function toneBadges(hit) {
  const badge = (tone, extra, title) =>
    el('span', {
      className: `tone ${toneClass(tone.score)}${tone.uncertain ? ' tone-uncertain' : ''}${extra}`,
      text: [`${t(`sentiment_${tone.label}`)} ${fmtTone(tone.score)}`, ...(tone.uncertain ? [t('toneUncertain')] : [])].join(' · '),
      ...(title && { attrs: { title } }),
    });
  const whole = hit.sentiment ?? {};
  const badges = [badge(whole, '')];
  const toward = state.brand ? whole.by_brand?.[state.brand] : undefined;
  if (toward && toward.label !== whole.label) {
    const name = facetLabel('brand', state.brand);
    const node = badge(toward, ' tone-brand', t('toneToward', name));
    node.textContent = `${name}: ${node.textContent}`;
    badges.push(node);
  }
  return badges;
}

function renderHit(hit) {
  const meta = el('div', { className: 'meta' }, [
    el('span', { className: 'source', text: facetLabel('source', hit.source) }),
    el('time', { text: fmtDate(hit.published_at), attrs: { datetime: hit.published_at } }),
    el('span', { className: 'lang', text: hit.lang, attrs: { title: facetLabel('lang', hit.lang) } }),
    ...toneBadges(hit),
  ]);
  // The API's rating is normalized to 0..1 (1 star = 0, 5 stars = 1): shown as stars out of 5.
  if (typeof hit.rating === 'number') meta.append(el('span', { className: 'rating', text: `★ ${t('rating', Math.round((1 + 4 * hit.rating) * 2) / 2)}` }));

  const body = el('p', { className: 'snippet' });
  const nodes = typeof hit.snippet === 'string' && hit.snippet ? snippetNodes(hit.snippet) : null;
  if (nodes) body.append(...nodes);
  else body.textContent = hit.text;

  const item = el('li', { className: 'hit', attrs: { 'data-id': hit.id } }, [meta]);
  if (hit.title) {
    const url = hit.url ? safeHttpUrl(hit.url) : null;
    const title = el('h3', { className: 'title' });
    if (url) title.append(el('a', { text: hit.title, attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } }));
    else title.textContent = hit.title;
    item.append(title);
  }
  item.append(body);
  const fields = hit.fields ?? [];
  const foot = el('div', { className: 'foot' }, fields.map((f) => el('span', { className: 'field', text: fieldLabel(f) })));
  if (!hit.title && hit.url && safeHttpUrl(hit.url)) {
    foot.append(el('a', { className: 'open', text: t('open'), attrs: { href: safeHttpUrl(hit.url), target: '_blank', rel: 'noopener noreferrer' } }));
  }
  if (foot.childNodes.length) item.append(foot);
  return item;
}

function renderFacets(facets) {
  const box = $('facets');
  box.replaceChildren();
  for (const name of FACETS) {
    const values = facets?.[name] ?? [];
    if (!values.length && !state.filters[name]) continue;
    const list = el('ul', { className: 'facet-values' });
    for (const { value, count } of values) {
      const active = state.filters[name] === value;
      const button = el('button', { className: `facet-value${active ? ' active' : ''}`, attrs: { type: 'button', 'aria-pressed': String(active), 'data-facet': name, 'data-value': value } }, [
        el('span', { className: 'facet-label', text: facetLabel(name, value) }),
        el('span', { className: 'count', text: fmtNumber(count) }),
      ]);
      button.addEventListener('click', () => toggleFilter(name, value));
      list.append(el('li', {}, [button]));
    }
    box.append(el('div', { className: 'facet' }, [el('h3', { text: t(`facet_${name}`) }), list]));
  }
}

function renderActiveFilters() {
  const box = $('active-filters');
  box.replaceChildren();
  const chips = [];
  for (const [name, value] of Object.entries(state.filters)) {
    chips.push(chip(`${t(`facet_${name}`)}: ${facetLabel(name, value)}`, () => toggleFilter(name, value)));
  }
  if (state.day) {
    const label = state.interval === 'hour' ? fmtDate(state.day.start) : fmtDate(state.day.start, false);
    chips.push(chip(`${t('day')}: ${label}`, () => selectDay(null)));
  }
  if (chips.length > 1) {
    const clear = el('button', { className: 'clear', text: t('clearFilters'), attrs: { type: 'button' } });
    clear.addEventListener('click', () => {
      state.filters = {};
      state.day = null;
      refresh();
    });
    chips.push(clear);
  }
  box.append(...chips);
}

function chip(label, onRemove) {
  const button = el('button', { className: 'chip', attrs: { type: 'button', title: t('removeFilter') } }, [
    el('span', { text: label }),
    el('span', { className: 'x', text: '×', attrs: { 'aria-hidden': 'true' } }),
  ]);
  button.setAttribute('aria-label', `${t('removeFilter')}: ${label}`);
  button.addEventListener('click', onRemove);
  return button;
}

function toggleFilter(name, value) {
  if (state.filters[name] === value) delete state.filters[name];
  else state.filters[name] = value;
  refresh();
}

// --- Timeline -----------------------------------------------------------------------------------

let timelineChart = null;

function chart(id) {
  const existing = window.echarts.getInstanceByDom($(id));
  if (existing) return existing;
  $(id).replaceChildren(); // an error message shown in its place
  return window.echarts.init($(id), null, { renderer: 'canvas' });
}

/** Days whose tone is well below the period's: three quarters of a standard deviation (and at least 0.15) under the volume-weighted mean. */
export function badBuckets(buckets) {
  const toned = buckets.filter((b) => b.count > 0 && typeof b.mean_tone === 'number');
  if (toned.length < 3) return new Set();
  const total = toned.reduce((sum, b) => sum + b.count, 0);
  const mean = toned.reduce((sum, b) => sum + b.mean_tone * b.count, 0) / total;
  const dayMean = toned.reduce((sum, b) => sum + b.mean_tone, 0) / toned.length;
  const sd = Math.sqrt(toned.reduce((sum, b) => sum + (b.mean_tone - dayMean) ** 2, 0) / toned.length);
  const threshold = mean - Math.max(0.75 * sd, 0.15);
  return new Set(toned.filter((b) => b.count >= 2 && b.mean_tone <= threshold).map((b) => b.start));
}

async function loadTimeline(mine) {
  if (!state.brand) return;
  const result = await api(`/api/brands/${encodeURIComponent(state.brand)}/timeline${query({ interval: state.interval, q: chartQuery() })}`);
  if (mine !== generation) return;
  state.timeline = result.buckets;
  drawTimeline();
}

function bucketLabel(start) {
  return state.interval === 'hour' ? fmtDate(start) : fmtDate(start, false);
}

function drawTimeline() {
  const buckets = state.timeline;
  const bad = badBuckets(buckets);
  timelineChart = chart('timeline');
  wireTimelineClicks(timelineChart);
  const colors = getComputedStyle(document.documentElement);
  const barColor = colors.getPropertyValue('--bar').trim() || '#4a78b5';
  const badColor = colors.getPropertyValue('--bad').trim() || '#c62828';
  const toneColor = colors.getPropertyValue('--tone').trim() || '#e08a00';
  timelineChart.setOption(
    {
      animation: false,
      grid: { left: 40, right: 40, top: 34, bottom: 30 },
      legend: { top: 0, data: [t('volume'), t('tone')] },
      tooltip: {
        trigger: 'axis',
        formatter(params) {
          // ECharts puts the formatter's string in as HTML: build it from numbers and our own words only.
          const index = params[0]?.dataIndex ?? 0;
          const b = buckets[index];
          if (!b) return '';
          return `${escapeHtml(bucketLabel(b.start))}<br>${escapeHtml(t('volume'))}: ${fmtNumber(b.count)}<br>${escapeHtml(t('tone'))}: ${escapeHtml(fmtTone(b.mean_tone))}`;
        },
      },
      xAxis: { type: 'category', data: buckets.map((b) => bucketLabel(b.start)), axisTick: { alignWithLabel: true } },
      yAxis: [
        // No axis names: the legend says which is which, and names collide with it on a phone.
        { type: 'value', minInterval: 1 },
        { type: 'value', min: -1, max: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: t('volume'),
          type: 'bar',
          cursor: 'pointer',
          data: buckets.map((b) => ({
            value: b.count,
            itemStyle: {
              color: bad.has(b.start) ? badColor : barColor,
              borderColor: state.day?.start === b.start ? '#111' : undefined,
              borderWidth: state.day?.start === b.start ? 2 : 0,
            },
          })),
        },
        {
          name: t('tone'),
          type: 'line',
          yAxisIndex: 1,
          connectNulls: false,
          symbolSize: 5,
          lineStyle: { color: toneColor, width: 2 },
          itemStyle: { color: toneColor },
          data: buckets.map((b) => (typeof b.mean_tone === 'number' ? Number(b.mean_tone.toFixed(3)) : null)),
          markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#999' }, data: [{ yAxis: 0 }], label: { show: false } },
        },
      ],
    },
    { notMerge: true },
  );

  const badList = $('bad-days');
  badList.replaceChildren();
  if (!bad.size) badList.append(el('span', { className: 'muted', text: t('noBadDays') }));
  buckets.forEach((b, index) => {
    if (!bad.has(b.start)) return;
    const button = el('button', {
      className: `bad-day${state.day?.start === b.start ? ' active' : ''}`,
      text: `${bucketLabel(b.start)} (${fmtTone(b.mean_tone)})`,
      attrs: { type: 'button', 'data-start': b.start, 'data-index': String(index) },
    });
    button.addEventListener('click', () => selectDay(b.start));
    badList.append(button);
  });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A click anywhere in a day's column of the timeline shows that day's mentions. */
const wired = new WeakSet();
function wireTimelineClicks(instance) {
  if (wired.has(instance)) return;
  wired.add(instance);
  instance.getZr().on('click', (event) => {
    const point = [event.offsetX, event.offsetY];
    if (!instance.containPixel('grid', point)) return;
    const [index] = instance.convertFromPixel({ seriesIndex: 0 }, point);
    const bucket = state.timeline[index];
    if (bucket) selectDay(bucket.start);
  });
}

function selectDay(start) {
  if (start === null || state.day?.start === start) state.day = null;
  else {
    const end = new Date(Date.parse(start) + INTERVAL_MS[state.interval] - 1).toISOString();
    state.day = { start, end };
  }
  renderActiveFilters();
  drawTimeline();
  const mine = ++generation;
  state.cursor = null;
  loadMentions(mine).then(() => markReady(mine), reportError);
  // Bring the day's mentions into view when they are below the fold (on a phone, always).
  if ($('results-title').getBoundingClientRect().top > window.innerHeight * 0.8) $('results-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// --- Terms, share of voice, fields -----------------------------------------------------------------

async function loadTerms(mine) {
  if (!state.brand) return;
  const result = await api(`/api/brands/${encodeURIComponent(state.brand)}/terms${query({ q: chartQuery(), size: 12 })}`);
  if (mine !== generation) return;
  renderTerms($('top-terms'), result.top, (term) => fmtNumber(term.count));
  renderTerms($('rising-terms'), result.significant, (term) => `${fmtNumber(term.mentions)}`);
}

function renderTerms(list, terms, countOf) {
  list.replaceChildren();
  if (!terms?.length) {
    list.append(el('li', { className: 'muted', text: t('noTerms') }));
    return;
  }
  // The brand's own name is in every mention: it says nothing.
  const brand = state.brands.find((b) => b.id === state.brand);
  const own = new Set([brand?.id, brand?.name].filter(Boolean).map((name) => name.toLowerCase()));
  for (const term of terms.filter((item) => !own.has((item.label || item.term).toLowerCase()))) {
    const label = term.label || term.term;
    const button = el('button', { className: 'term', attrs: { type: 'button' } }, [el('span', { text: label }), el('span', { className: 'count', text: countOf(term) })]);
    button.addEventListener('click', () => {
      $('q').value = /\s/.test(label) ? `"${label}"` : label;
      submitQuery();
    });
    list.append(el('li', {}, [button]));
  }
}

async function loadShareOfVoice(mine) {
  if (!state.brand) return;
  const result = await api(`/api/brands/${encodeURIComponent(state.brand)}/share-of-voice`);
  if (mine !== generation) return;
  const totals = result.totals ?? [];
  const names = totals.map((row) => state.brands.find((b) => b.id === row.brand)?.name ?? row.brand);
  const instance = chart('sov');
  instance.setOption(
    {
      animation: false,
      grid: { left: 70, right: 16, top: 28, bottom: 24 },
      legend: { top: 0, data: [t('share'), t('toneShare')] },
      tooltip: { trigger: 'axis', valueFormatter: (v) => escapeHtml(fmtPercent(v)) },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v) => fmtPercent(v) } },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [
        { name: t('share'), type: 'bar', data: totals.map((row) => row.share), itemStyle: { color: '#4a78b5' } },
        { name: t('toneShare'), type: 'bar', data: totals.map((row) => row.tone_weighted_share), itemStyle: { color: '#5aa469' } },
      ],
    },
    { notMerge: true },
  );
}

async function loadFields(mine) {
  if (!state.brand) return;
  const result = await api(`/api/brands/${encodeURIComponent(state.brand)}/fields${query({ q: chartQuery() })}`);
  if (mine !== generation) return;
  const table = $('fields');
  table.replaceChildren(
    el('thead', {}, [el('tr', {}, [el('th', { text: t('facet_field') }), el('th', { text: t('mentionsCount') }), el('th', { text: t('meanTone') })])]),
  );
  const body = el('tbody');
  for (const row of result.fields ?? []) {
    const name = el('button', { className: 'link', text: fieldLabel(row.field), attrs: { type: 'button' } });
    name.addEventListener('click', () => toggleFilter('field', row.field));
    body.append(
      el('tr', {}, [
        el('td', {}, [name]),
        el('td', { className: 'num', text: `${fmtNumber(row.mentions)} (${fmtPercent(row.share)})` }),
        el('td', { className: `num ${toneClass(row.mean_tone)}`, text: fmtTone(row.mean_tone) }),
      ]),
    );
  }
  table.append(body);
}

// --- Putting it together ------------------------------------------------------------------------

/** A link to the dashboard (an alert's "show these mentions") opens on its brand, query and window. */
function applyLinkedView(view) {
  if (!view || !state.brands.some((b) => b.id === view.brand)) return;
  state.brand = view.brand;
  $('brand').value = view.brand;
  state.q = view.q;
  $('q').value = view.q;
  if (view.from && view.to) state.day = { start: view.from, end: view.to };
}

async function refresh() {
  const mine = ++generation;
  state.cursor = null;
  renderActiveFilters();
  $('hits').setAttribute('aria-busy', 'true');
  // A panel that fails says so in its place; the others still show.
  const panel = (job, id) => job.catch((error) => {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw error;
    if (mine === generation) showPanelError(id, error);
  });
  const jobs = [
    loadMentions(mine),
    panel(loadTimeline(mine), 'timeline'),
    panel(loadTerms(mine), 'top-terms'),
    panel(loadShareOfVoice(mine), 'sov'),
    panel(loadFields(mine), 'fields'),
    panel(refreshAlerts(), 'incidents'),
    panel(loadImage({ api, brand: state.brand, current: () => mine === generation, search: (q) => ($('q').value = q, submitQuery()) }), 'image-chart'),
  ];
  const results = await Promise.allSettled(jobs);
  $('hits').removeAttribute('aria-busy');
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) reportError(failed.reason);
  else if (mine === generation) $('notice').hidden = true;
  markReady(mine);
}

/** Marks the page as showing the answers of refresh number `mine` (tests and screen readers wait on it). */
function markReady(mine) {
  if (mine === generation) document.body.dataset.ready = String(mine);
}

function showPanelError(id, error) {
  const target = $(id);
  window.echarts?.getInstanceByDom(target)?.dispose();
  target.replaceChildren(el('p', { className: 'panel-error', text: t('error', messageOf(error)) }));
}

async function submitQuery() {
  clearTimeout(validateTimer);
  const ok = await validateNow();
  if (!ok) return;
  state.q = $('q').value;
  state.day = null;
  refresh();
}

function wire() {
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitQuery();
  });
  $('q').addEventListener('input', scheduleValidation);
  $('brand').addEventListener('change', () => {
    state.brand = $('brand').value;
    state.day = null;
    scheduleValidation();
    refresh();
  });
  $('sort').addEventListener('change', () => {
    state.sort = $('sort').value;
    const mine = ++generation;
    loadMentions(mine).then(() => markReady(mine), reportError);
  });
  $('interval').addEventListener('change', () => {
    state.interval = $('interval').value;
    state.day = null;
    refresh();
  });
  $('lang').addEventListener('change', () => {
    setLang($('lang').value);
    translatePage();
    refresh();
    scheduleValidation();
  });
  $('more').addEventListener('click', () => loadMentions(generation, true).catch(reportError));
  window.addEventListener('resize', () => {
    for (const id of ['timeline', 'sov']) window.echarts?.getInstanceByDom($(id))?.resize();
    resizeImage();
  });
}

async function start() {
  translatePage();
  wire();
  if (!token()) {
    showNotice(t('unauthorized'));
  }
  if (!window.echarts) await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
  try {
    await loadBrands();
  } catch (error) {
    reportError(error);
    return;
  }
  // A link from an alert or the image panel (?brand=…&q=…[&from=…&to=…]) opens on that view.
  applyLinkedView(linkedView());
  mountAlerts({ api, brand: () => state.brand, onError: reportError });
  setupReport({ brand: () => state.brand, token, lang, notify: showNotice });
  await refresh();
}

start();
