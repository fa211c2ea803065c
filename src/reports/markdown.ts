// The report as Markdown (for a wiki, a ticket, a chat): the same sections as the HTML, tables
// instead of charts. Text from mentions and the config is escaped so it cannot open a link, an
// image, HTML or a table cell of its own.
import type { Change, ReportData, Share } from './model.js';
import { formatters, t } from './strings.js';

/** Markdown-inert text: backslash-escapes punctuation Markdown reads, and HTML's < > &. */
export function escapeMd(value: unknown): string {
  return String(value)
    .replace(/[\\`*_{}[\]()#+!|~>-]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n+/g, ' ');
}

export function renderMarkdown(data: ReportData): string {
  const s = t(data.lang);
  const f = formatters(data.lang, data.period.timeZone);
  const out: string[] = [];
  out.push(`# ${escapeMd(s.title(data.brand.name))}`, '');
  out.push(escapeMd(s.periodLine(f.date(data.period.from), f.lastDay(data.period.to), `${f.date(data.previous.from)} – ${f.lastDay(data.previous.to)}`)) + ` (${escapeMd(data.period.timeZone)})`, '');
  if (data.empty) {
    out.push(escapeMd(data.message ?? ''), '');
    return out.join('\n');
  }
  const arrow = (c: Change) => (c.direction === 'up' ? '▲' : c.direction === 'down' ? '▼' : '▶');
  const size = (c: Change, kind: 'count' | 'tone' | 'share') =>
    c.previous === null || (kind === 'count' && c.previous === 0)
      ? s.noPrevious
      : `${arrow(c)} ${kind === 'count' ? `${c.relative !== null && c.relative > 0 ? '+' : ''}${f.pct(c.relative)}` : kind === 'tone' ? f.signed(c.delta) : f.points(c.delta)}`;
  const h = data.headline;
  out.push(`## ${escapeMd(s.headline)}`, '', `| | | ${escapeMd(s.vsPrevious)} |`, '|---|---:|---|');
  out.push(`| ${escapeMd(s.volume)} | ${f.int(h.volume.current ?? 0)} | ${size(h.volume, 'count')} |`);
  out.push(`| ${escapeMd(s.meanTone)} | ${f.signed(h.meanTone.current)} | ${size(h.meanTone, 'tone')} |`);
  out.push(`| ${escapeMd(s.negativeShare)} | ${f.pct(h.negativeShare.current)} | ${size(h.negativeShare, 'share')} |`);
  out.push(`| ${escapeMd(s.uniqueAuthors)} | ${f.int(h.uniqueAuthors.current ?? 0)} | ${size(h.uniqueAuthors, 'count')} |`, '');
  for (const line of data.image?.summary ?? []) out.push(`- ${escapeMd(line)}`);
  if ((data.image?.summary.length ?? 0) > 0) out.push('');

  out.push(`## ${escapeMd(s.timeline)}`, '', `| | ${escapeMd(s.mentions)} | ${escapeMd(s.tone)} |`, '|---|---:|---:|');
  const utc = formatters(data.lang, 'UTC');
  for (const b of data.timeline.buckets) out.push(`| ${data.timeline.interval === 'hour' ? utc.dateTime(b.start) : utc.date(b.start)} | ${f.int(b.count)} | ${f.signed(b.meanTone)} |`);
  out.push('');
  if (data.shareOfVoice.length > 1) {
    out.push(`## ${escapeMd(s.shareOfVoice)}`, '', `| ${escapeMd(s.brand)} | ${escapeMd(s.mentions)} | ${escapeMd(s.share)} | ${escapeMd(s.toneWeightedShare)} |`, '|---|---:|---:|---:|');
    for (const r of data.shareOfVoice) out.push(`| ${escapeMd(r.name)} | ${f.int(r.mentions)} | ${f.pct(r.share)} | ${f.pct(r.toneWeightedShare)} |`);
    out.push('');
  }
  out.push(`## ${escapeMd(s.image)}`, '');
  const image = data.image;
  if (!image) out.push(escapeMd(s.noImage), '');
  else {
    if (image.hint) out.push(escapeMd(image.hint), '');
    if (image.congruence) out.push(`${escapeMd(s.congruence)}: ${f.dec(image.congruence.score)} [${f.dec(image.congruence.ci[0])}; ${f.dec(image.congruence.ci[1])}]`, '');
    out.push(`| ${escapeMd(s.field)} | ${escapeMd(s.intended)} | ${escapeMd(s.perceived)} | ${escapeMd(s.gapShare)} | ${escapeMd(s.tone)} | ${escapeMd(s.gapTone)} | ${escapeMd(s.status)} |`, '|---|---:|---:|---:|---:|---:|---|');
    for (const r of image.fields)
      out.push(
        `| ${escapeMd(r.label)} | ${f.pct(r.intendedShare ?? null)} | ${f.pct(r.share)} [${f.pct(r.shareCi[0])}; ${f.pct(r.shareCi[1])}] | ${f.points(r.shareGap ?? null)} | ${f.signed(r.tone)} | ${f.signed(r.toneGap ?? null)} | ${escapeMd(s.statuses[r.status] ?? r.status)} |`,
      );
    out.push('');
    if (image.emerging.length > 0) out.push(`${escapeMd(s.unplannedTerms)}: ${image.emerging.slice(0, 10).map((e) => escapeMd(e.label)).join(', ')}`, '');
  }
  out.push(`## ${escapeMd(s.terms)}`, '', `${escapeMd(s.topTerms)}: ${data.topTerms.map((x) => `${escapeMd(x.label)} (${f.int(x.mentions)})`).join(', ')}`, '');
  out.push(`${escapeMd(s.emergingTerms)}: ${data.emergingTerms.length > 0 ? data.emergingTerms.map((x) => `${escapeMd(x.label)} (${f.int(x.mentions)})`).join(', ') : escapeMd(s.noEmerging)}`, '');
  out.push(`## ${escapeMd(s.notable)}`, '');
  for (const [title, list] of [
    [s.negative, data.notable.negative],
    [s.positive, data.notable.positive],
  ] as const) {
    out.push(`### ${escapeMd(title)}`, '');
    if (list.length === 0) out.push(escapeMd(s.noMentions));
    for (const m of list) {
      const source = m.url !== undefined ? `[${escapeMd(m.source)}](<${m.url.replace(/[<>\s]/g, encodeURIComponent)}>)` : escapeMd(m.source);
      out.push(`- ${source}, ${f.date(m.publishedAt)}, ${escapeMd(s.tone)} ${f.signed(m.sentiment)}: ${m.title ? `**${escapeMd(m.title)}** ` : ''}${escapeMd(m.text)}`);
    }
    out.push('');
  }
  out.push(`## ${escapeMd(s.alerts)}`, '');
  if (data.alerts.alerts.length === 0 && data.alerts.incidents.length === 0) out.push(escapeMd(s.noAlerts));
  for (const i of data.alerts.incidents) out.push(`- ${f.dateTime(i.openedAt)} (${escapeMd(i.severity)}, ${escapeMd(i.status)}): ${escapeMd(i.summary)}`);
  for (const a of data.alerts.alerts) out.push(`- ${f.dateTime(a.windowStart)} ${escapeMd(a.rule)} (${escapeMd(a.severity)}): ${escapeMd(a.summary)}`);
  out.push('');
  const table = (title: string, rows: Share[], label: (v: string) => string) => {
    out.push(`### ${escapeMd(title)}`, '', `| | ${escapeMd(s.mentions)} | ${escapeMd(s.share)} |`, '|---|---:|---:|');
    for (const r of rows) out.push(`| ${escapeMd(label(r.value))} | ${f.int(r.count)} | ${f.pct(r.share)} |`);
    out.push('');
  };
  out.push(`## ${escapeMd(s.breakdown)}`, '');
  table(s.bySource, data.breakdown.sources, (v) => v);
  table(s.byLanguage, data.breakdown.languages, (v) => s.languages[v] ?? v);
  table(s.byTone, data.breakdown.sentiment, (v) => s.sentiments[v] ?? v);
  out.push(`## ${escapeMd(s.methodology)}`, '', escapeMd(s.toneHow), '', escapeMd(s.duplicates), '', `### ${escapeMd(s.accuracy)}`, '', escapeMd(s.accuracyHelp), '');
  out.push(`| ${escapeMd(s.set)} | | n | ${escapeMd(s.metric)} | ${escapeMd(s.value)} |`, '|---|---|---:|---|---:|');
  for (const a of data.methodology.accuracy) out.push(`| ${escapeMd(a.set)} | ${escapeMd(s.languages[a.lang] ?? a.lang)} | ${f.int(a.n)} | ${escapeMd(a.metric)} | ${escapeMd(a.value)} |`);
  out.push('', `### ${escapeMd(s.sourcesCover)}`, '');
  for (const x of data.methodology.sources) out.push(`- ${escapeMd(x.source)} (${f.int(x.mentions)}): ${escapeMd(x.covers)}`);
  out.push('', escapeMd(s.intervals), '', `_${escapeMd(s.generated(f.dateTime(data.generatedAt)))}_`, '');
  return out.join('\n');
}
