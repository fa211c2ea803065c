// The report as one self-contained HTML page: styles inline, charts as inline SVG (charts.ts), no
// script, no font, no image fetched from anywhere, so it reads the same offline, in a mail client
// or printed to PDF. Every piece of text that comes from a mention or the config is escaped here.
import type { FieldImage } from '../image/types.js';
import { imageChart, PALETTE, shareOfVoiceChart, timelineChart } from './charts.js';
import type { Change, ReportData, Share } from './model.js';
import { formatters, t, type Strings } from './strings.js';

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Only http(s) links are kept (a javascript: or data: URL from a source is not a link). */
export function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}

const STYLE = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: ${PALETTE.ink}; margin: 0 auto; max-width: 780px; padding: 24px; font-size: 12.5px; line-height: 1.45; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 22px 0 8px; padding-bottom: 4px; border-bottom: 2px solid ${PALETTE.grid}; }
h3 { font-size: 13px; margin: 12px 0 6px; }
.sub { color: ${PALETTE.muted}; margin: 0 0 14px; }
.block { break-inside: avoid; page-break-inside: avoid; }
.page-break { break-before: page; page-break-before: always; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 10px 0; }
.card { border: 1px solid ${PALETTE.grid}; border-radius: 8px; padding: 10px 12px; }
.card .label { color: ${PALETTE.muted}; font-size: 11px; }
.card .value { font-size: 22px; font-weight: 700; margin: 2px 0; }
.card .change { font-size: 11.5px; }
.good { color: ${PALETTE.positive}; } .bad { color: ${PALETTE.negative}; } .neutral { color: ${PALETTE.muted}; }
.summary { background: #f3f6fb; border-left: 4px solid ${PALETTE.perceived}; padding: 8px 12px; margin: 10px 0; }
.summary ul { margin: 4px 0; padding-left: 18px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid ${PALETTE.grid}; vertical-align: top; }
th { font-size: 11px; color: ${PALETTE.muted}; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.three { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; }
.mention { border: 1px solid ${PALETTE.grid}; border-radius: 6px; padding: 6px 10px; margin: 6px 0; break-inside: avoid; }
.mention .meta { color: ${PALETTE.muted}; font-size: 11px; }
.mention .text { margin: 2px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.chart svg { max-width: 100%; height: auto; }
.help { color: ${PALETTE.muted}; font-size: 11px; margin: 2px 0 6px; }
.empty { font-size: 15px; margin: 30px 0; }
a { color: ${PALETTE.perceived}; }
footer { color: ${PALETTE.muted}; font-size: 10.5px; margin-top: 24px; }
`;

type F = ReturnType<typeof formatters>;

/** The arrow, the size of the change, and whether it is good news (tone up, negatives down). */
function changeHtml(c: Change, kind: 'count' | 'tone' | 'share', higherIsBetter: boolean | null, s: Strings, f: F): string {
  if (c.previous === null || (kind === 'count' && c.previous === 0)) return `<span class="neutral">${escapeHtml(s.noPrevious)}</span>`;
  const arrow = c.direction === 'up' ? '▲' : c.direction === 'down' ? '▼' : '▶';
  const size = kind === 'count' ? `${f.pct(c.relative)} (${f.signed(c.delta).replace(/[.,]00$/, '')})` : kind === 'tone' ? f.signed(c.delta) : f.points(c.delta);
  const tone = c.direction === 'flat' || higherIsBetter === null ? 'neutral' : (c.direction === 'up') === higherIsBetter ? 'good' : 'bad';
  return `<span class="${tone}">${arrow} ${escapeHtml(kind === 'count' && c.relative !== null && c.relative > 0 ? `+${size}` : size)}</span> <span class="neutral">${escapeHtml(s.vsPrevious)}</span>`;
}

export function headlineCards(data: ReportData, s: Strings, f: F): string {
  const h = data.headline;
  const card = (label: string, value: string, change: string) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="change">${change}</div></div>`;
  return `<div class="cards">${[
    card(s.volume, f.int(h.volume.current ?? 0), changeHtml(h.volume, 'count', null, s, f)),
    card(s.meanTone, f.signed(h.meanTone.current), changeHtml(h.meanTone, 'tone', true, s, f)),
    card(s.negativeShare, f.pct(h.negativeShare.current), changeHtml(h.negativeShare, 'share', false, s, f)),
    card(s.uniqueAuthors, f.int(h.uniqueAuthors.current ?? 0), changeHtml(h.uniqueAuthors, 'count', null, s, f)),
  ].join('')}</div>`;
}

function sharesTable(title: string, rows: Share[], label: (v: string) => string, s: Strings, f: F): string {
  const body = rows.map((r) => `<tr><td>${escapeHtml(label(r.value))}</td><td class="num">${f.int(r.count)}</td><td class="num">${f.pct(r.share)}</td></tr>`).join('');
  return `<div class="block"><h3>${escapeHtml(title)}</h3><table><tr><th></th><th class="num">${escapeHtml(s.mentions)}</th><th class="num">${escapeHtml(s.share)}</th></tr>${body}</table></div>`;
}

function gapTable(fields: FieldImage[], s: Strings, f: F, withIntended: boolean): string {
  const ci = (i: [number, number] | null | undefined, fmt: (n: number) => string) => (i ? ` <span class="neutral">[${escapeHtml(fmt(i[0]))}; ${escapeHtml(fmt(i[1]))}]</span>` : '');
  const head = withIntended
    ? `<tr><th>${escapeHtml(s.field)}</th><th class="num">${escapeHtml(s.intended)}</th><th class="num">${escapeHtml(s.perceived)}</th><th class="num">${escapeHtml(s.gapShare)}</th><th class="num">${escapeHtml(s.tone)}</th><th class="num">${escapeHtml(s.gapTone)}</th><th>${escapeHtml(s.status)}</th></tr>`
    : `<tr><th>${escapeHtml(s.field)}</th><th class="num">${escapeHtml(s.perceived)}</th><th class="num">${escapeHtml(s.tone)}</th><th class="num">${escapeHtml(s.mentions)}</th></tr>`;
  const rows = fields.map((r) => {
    const status = s.statuses[r.status] ?? r.status;
    const cls = r.status === 'inverted' || r.status === 'missing' ? 'bad' : r.status === 'aligned' ? 'good' : 'neutral';
    return withIntended
      ? `<tr><td>${escapeHtml(r.label)}</td><td class="num">${f.pct(r.intendedShare ?? null)}</td><td class="num">${f.pct(r.share)}${ci(r.shareCi, (n) => f.pct(n))}</td><td class="num">${f.points(r.shareGap ?? null)}</td><td class="num">${f.signed(r.tone)}</td><td class="num">${f.signed(r.toneGap ?? null)}</td><td class="${cls}">${escapeHtml(status)}</td></tr>`
      : `<tr><td>${escapeHtml(r.label)}</td><td class="num">${f.pct(r.share)}${ci(r.shareCi, (n) => f.pct(n))}</td><td class="num">${f.signed(r.tone)}${ci(r.toneCi, (n) => f.signed(n))}</td><td class="num">${f.int(r.mentions)}</td></tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function imageSection(data: ReportData, s: Strings, f: F): string {
  const image = data.image;
  if (!image) return `<section class="block"><h2>${escapeHtml(s.image)}</h2><p>${escapeHtml(s.noImage)}${data.imageError ? ` (${escapeHtml(data.imageError)})` : ''}</p></section>`;
  const fields = [...image.fields].sort((a, b) => Math.max(b.share, b.intendedShare ?? 0) - Math.max(a.share, a.intendedShare ?? 0)).slice(0, 12);
  const withIntended = image.intended !== null;
  const congruence = image.congruence
    ? `<p><strong>${escapeHtml(s.congruence)}:</strong> ${f.dec(image.congruence.score)} <span class="neutral">[${f.dec(image.congruence.ci[0])}; ${f.dec(image.congruence.ci[1])}]</span></p>`
    : '';
  const unplanned = image.emerging.length > 0 ? `<p><strong>${escapeHtml(s.unplannedTerms)}:</strong> ${image.emerging.slice(0, 10).map((e) => escapeHtml(e.label)).join(', ')}</p>` : '';
  const hint = image.hint ? `<p class="help">${escapeHtml(image.hint)}</p>` : '';
  return `<section class="block"><h2>${escapeHtml(s.image)}</h2><p class="help">${escapeHtml(s.imageHelp)}</p>${hint}
<div class="chart block">${imageChart(data, fields)}</div></section>
<section class="block">${congruence}${gapTable(fields, s, f, withIntended)}${unplanned}</section>`;
}

function mentionsHtml(list: ReportData['notable']['positive'], s: Strings, f: F): string {
  if (list.length === 0) return `<p class="neutral">${escapeHtml(s.noMentions)}</p>`;
  return list
    .map((m) => {
      const url = safeUrl(m.url);
      const source = url ? `<a href="${escapeHtml(url)}">${escapeHtml(m.source)}</a>` : escapeHtml(m.source);
      return `<div class="mention"><div class="meta">${source} · ${escapeHtml(f.date(m.publishedAt))} · ${escapeHtml(s.tone)} ${escapeHtml(f.signed(m.sentiment))}</div>${m.title ? `<div><strong>${escapeHtml(m.title)}</strong></div>` : ''}<p class="text">${escapeHtml(m.text)}</p></div>`;
    })
    .join('');
}

function alertsSection(data: ReportData, s: Strings, f: F): string {
  const { alerts, incidents } = data.alerts;
  if (alerts.length === 0 && incidents.length === 0) return `<section class="block"><h2>${escapeHtml(s.alerts)}</h2><p>${escapeHtml(s.noAlerts)}</p></section>`;
  const incidentRows = incidents
    .map((i) => `<tr><td>${escapeHtml(f.dateTime(i.openedAt))}</td><td>${escapeHtml(i.severity)}</td><td>${escapeHtml(i.status)}</td><td>${escapeHtml(i.summary)}</td></tr>`)
    .join('');
  const alertRows = alerts.map((a) => `<tr><td>${escapeHtml(f.dateTime(a.windowStart))}</td><td>${escapeHtml(a.severity)}</td><td>${escapeHtml(a.rule)}</td><td>${escapeHtml(a.summary)}</td></tr>`).join('');
  return `<section class="block"><h2>${escapeHtml(s.alerts)}</h2>
${incidents.length > 0 ? `<h3>${escapeHtml(s.incidents)}</h3><table><tr><th>${escapeHtml(s.opened)}</th><th>${escapeHtml(s.severity)}</th><th>${escapeHtml(s.status)}</th><th></th></tr>${incidentRows}</table>` : ''}
${alerts.length > 0 ? `<h3>${escapeHtml(s.alerts)}</h3><table><tr><th></th><th>${escapeHtml(s.severity)}</th><th></th><th></th></tr>${alertRows}</table>` : ''}</section>`;
}

function methodologySection(data: ReportData, s: Strings, f: F): string {
  const accuracy = data.methodology.accuracy
    .map((a) => `<tr><td>${escapeHtml(a.set)}</td><td>${escapeHtml(s.languages[a.lang] ?? a.lang)}</td><td class="num">${f.int(a.n)}</td><td>${escapeHtml(a.metric)}</td><td class="num">${escapeHtml(a.value)}</td></tr>`)
    .join('');
  const sources = data.methodology.sources.map((x) => `<tr><td>${escapeHtml(x.source)}</td><td class="num">${f.int(x.mentions)}</td><td>${escapeHtml(x.covers)}</td></tr>`).join('');
  return `<section class="page-break"><h2>${escapeHtml(s.methodology)}</h2>
<div class="block"><p>${escapeHtml(s.toneHow)}</p><p>${escapeHtml(s.duplicates)}</p></div>
<div class="block"><h3>${escapeHtml(s.accuracy)}</h3><p class="help">${escapeHtml(s.accuracyHelp)}</p>
<table><tr><th>${escapeHtml(s.set)}</th><th></th><th class="num">n</th><th>${escapeHtml(s.metric)}</th><th class="num">${escapeHtml(s.value)}</th></tr>${accuracy}</table></div>
<div class="block"><h3>${escapeHtml(s.sourcesCover)}</h3><table><tr><th>${escapeHtml(s.source)}</th><th class="num">${escapeHtml(s.mentions)}</th><th></th></tr>${sources}</table></div>
<div class="block"><p>${escapeHtml(s.intervals)}</p></div></section>`;
}

function page(data: ReportData, s: Strings, body: string): string {
  return `<!doctype html>
<html lang="${data.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(s.title(data.brand.name))} · ${escapeHtml(data.period.label)}</title>
<style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

function header(data: ReportData, s: Strings, f: F): string {
  const line = s.periodLine(f.date(data.period.from), f.lastDay(data.period.to), `${f.date(data.previous.from)} – ${f.lastDay(data.previous.to)}`);
  return `<h1>${escapeHtml(s.title(data.brand.name))}</h1><p class="sub">${escapeHtml(line)} · ${escapeHtml(data.period.timeZone)}</p>`;
}

export function renderHtml(data: ReportData): string {
  const s = t(data.lang);
  const f = formatters(data.lang, data.period.timeZone);
  const footer = `<footer>${escapeHtml(s.generated(f.dateTime(data.generatedAt)))}</footer>`;
  if (data.empty) return page(data, s, `${header(data, s, f)}<p class="empty">${escapeHtml(data.message ?? '')}</p>${footer}`);
  const summary = data.image && data.image.summary.length > 0 ? `<div class="summary block"><ul>${data.image.summary.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></div>` : '';
  const terms = (list: { label: string; count: number }[]) =>
    `<table><tr><th></th><th class="num">${escapeHtml(s.mentions)}</th></tr>${list.map((x) => `<tr><td>${escapeHtml(x.label)}</td><td class="num">${f.int(x.count)}</td></tr>`).join('')}</table>`;
  const emerging = data.emergingTerms.length > 0 ? terms(data.emergingTerms.map((e) => ({ label: e.label, count: e.mentions }))) : `<p class="neutral">${escapeHtml(s.noEmerging)}</p>`;
  const body = [
    header(data, s, f),
    `<section class="block"><h2>${escapeHtml(s.headline)}</h2>${headlineCards(data, s, f)}${summary}</section>`,
    `<section class="block"><h2>${escapeHtml(s.timeline)}</h2><p class="help">${escapeHtml(s.timelineHelp)}</p><div class="chart">${timelineChart(data)}</div></section>`,
    data.shareOfVoice.length > 1
      ? `<section class="block"><h2>${escapeHtml(s.shareOfVoice)}</h2><p class="help">${escapeHtml(s.shareOfVoiceHelp)}</p><div class="chart">${shareOfVoiceChart(data)}</div></section>`
      : '',
    imageSection(data, s, f),
    `<section class="block"><h2>${escapeHtml(s.terms)}</h2><div class="two"><div><h3>${escapeHtml(s.topTerms)}</h3>${terms(data.topTerms.map((x) => ({ label: x.label, count: x.mentions })))}</div><div><h3>${escapeHtml(s.emergingTerms)}</h3><p class="help">${escapeHtml(s.emergingHelp)}</p>${emerging}</div></div></section>`,
    `<section><h2>${escapeHtml(s.notable)}</h2><div class="block"><h3>${escapeHtml(s.negative)}</h3>${mentionsHtml(data.notable.negative, s, f)}</div><div class="block"><h3>${escapeHtml(s.positive)}</h3>${mentionsHtml(data.notable.positive, s, f)}</div></section>`,
    alertsSection(data, s, f),
    `<section class="block"><h2>${escapeHtml(s.breakdown)}</h2><div class="three">${sharesTable(s.bySource, data.breakdown.sources, (v) => v, s, f)}${sharesTable(s.byLanguage, data.breakdown.languages, (v) => s.languages[v] ?? v, s, f)}${sharesTable(s.byTone, data.breakdown.sentiment, (v) => s.sentiments[v] ?? v, s, f)}</div></section>`,
    methodologySection(data, s, f),
    footer,
  ];
  return page(data, s, body.join('\n'));
}

/** The email body: the headline figures, the plain-language summary and the alerts, in a few lines. */
export function renderSummaryHtml(data: ReportData): string {
  const s = t(data.lang);
  const f = formatters(data.lang, data.period.timeZone);
  if (data.empty) return page(data, s, `${header(data, s, f)}<p>${escapeHtml(data.message ?? '')}</p>`);
  const h = data.headline;
  const row = (label: string, value: string, change: string) => `<tr><td>${escapeHtml(label)}</td><td class="num"><strong>${escapeHtml(value)}</strong></td><td>${change}</td></tr>`;
  const table = `<table>${[
    row(s.volume, f.int(h.volume.current ?? 0), changeHtml(h.volume, 'count', null, s, f)),
    row(s.meanTone, f.signed(h.meanTone.current), changeHtml(h.meanTone, 'tone', true, s, f)),
    row(s.negativeShare, f.pct(h.negativeShare.current), changeHtml(h.negativeShare, 'share', false, s, f)),
    row(s.uniqueAuthors, f.int(h.uniqueAuthors.current ?? 0), changeHtml(h.uniqueAuthors, 'count', null, s, f)),
  ].join('')}</table>`;
  const summary = data.image && data.image.summary.length > 0 ? `<ul>${data.image.summary.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '';
  const alerts = data.alerts.incidents.length > 0 ? `<p><strong>${escapeHtml(s.incidents)}:</strong></p><ul>${data.alerts.incidents.map((i) => `<li>${escapeHtml(i.summary)}</li>`).join('')}</ul>` : `<p>${escapeHtml(s.noAlerts)}</p>`;
  return page(data, s, `${header(data, s, f)}${table}${summary}${alerts}`);
}
