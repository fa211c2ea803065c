// The dashboard's image panel: the brand's intended versus perceived image (GET
// /api/brands/:id/image) as paired bars with the perceived share's 95 % interval, the
// plain-language summary, and the gap table, each row linking to the mentions behind it (its
// `query` in the search box). Same safety rule as app.js: text goes in with textContent, and the
// chart's tooltip is built from numbers and our own words, escaped.
import { fmtNumber, fmtPercent, fmtTone, lang, t } from './i18n.js';

const cache = new Map(); // `${brand}|${lang}` → the analysis (it does not depend on the search)

const $ = (id) => document.getElementById(id);

function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (attrs) for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const range = (ci, fmt) => (ci ? `${fmt(ci[0])} – ${fmt(ci[1])}` : '–');
const points = (x) => (x === undefined || x === null ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${fmtNumber(Math.abs(Math.round(x * 100)))} pts`);

function toneClass(score) {
  if (score === null || score === undefined) return 'tone-none';
  if (score <= -0.2) return 'tone-neg';
  if (score >= 0.2) return 'tone-pos';
  return 'tone-mid';
}

/** The rows worth drawing: intended fields and those perceived at 2 % or more. */
function chartRows(image) {
  return image.fields.filter((f) => (f.intended_share ?? 0) > 0 || f.share >= 0.02);
}

/** Loads (once per brand and language) and draws the panel. `ctx`: { api, brand, search(query), current() }. */
export async function loadImage(ctx) {
  if (!ctx.brand) return;
  const key = `${ctx.brand}|${lang()}`;
  let image = cache.get(key);
  if (!image) {
    image = await ctx.api(`/api/brands/${encodeURIComponent(ctx.brand)}/image?lang=${lang()}`);
    cache.set(key, image);
  }
  if (!ctx.current()) return;
  drawImage(image, ctx);
}

function drawImage(image, ctx) {
  const head = $('image-head');
  const parts = [`${fmtNumber(image.mentions)} ${t('mentionsCount')}, ${fmtNumber(image.unique_authors)} ${t('imageAuthors')}`];
  if (image.congruence) {
    const c = image.congruence;
    parts.unshift(`${t('imageCongruence')} ${fmtPercent(c.score)} (${range(c.ci, fmtPercent)}) · ${t('imageToneWeighted')} ${fmtPercent(c.tone_weighted)}`);
  }
  head.textContent = parts.join(' · ');
  $('image-summary').replaceChildren(...image.summary.map((line) => el('li', { text: line })));
  drawChart(image);
  drawTable(image, ctx);
}

function drawChart(image) {
  const target = $('image-chart');
  const rows = chartRows(image);
  const instance = window.echarts.getInstanceByDom(target) ?? (target.replaceChildren(), window.echarts.init(target, null, { renderer: 'canvas' }));
  const colors = getComputedStyle(document.documentElement);
  const intendedColor = colors.getPropertyValue('--intended').trim() || '#9aa7b8';
  const toneColor = (tone) => (tone === null ? '#4a78b5' : tone <= -0.1 ? '#c62828' : tone >= 0.1 ? '#2e7d32' : '#4a78b5');
  const hasIntended = image.intended !== null;
  const series = [];
  if (hasIntended) series.push({ name: t('imageIntended'), type: 'bar', data: rows.map((f) => f.intended_share ?? 0), itemStyle: { color: intendedColor } });
  series.push({ name: t('imagePerceived'), type: 'bar', data: rows.map((f) => ({ value: f.share, itemStyle: { color: toneColor(f.tone) } })) });
  // The perceived share's 95 % interval, drawn over the perceived bar (the last bar of each row).
  series.push({
    name: t('imageInterval'),
    type: 'custom',
    silent: true,
    data: rows.map((f, i) => [i, f.share_ci[0], f.share_ci[1]]),
    encode: { x: [1, 2], y: 0 },
    renderItem(params, api) {
      const row = api.value(0);
      const low = api.coord([api.value(1), row]);
      const high = api.coord([api.value(2), row]);
      const band = api.size([0, 1])[1];
      const y = low[1] + (hasIntended ? band * 0.175 : 0);
      const whisker = band * 0.12;
      const style = { stroke: '#222', lineWidth: 1.5 };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: low[0], y1: y, x2: high[0], y2: y }, style },
          { type: 'line', shape: { x1: low[0], y1: y - whisker, x2: low[0], y2: y + whisker }, style },
          { type: 'line', shape: { x1: high[0], y1: y - whisker, x2: high[0], y2: y + whisker }, style },
        ],
      };
    },
    z: 10,
  });
  instance.setOption(
    {
      animation: false,
      grid: { left: 150, right: 24, top: 30, bottom: 24 },
      legend: { top: 0, data: series.filter((s) => s.type === 'bar').map((s) => s.name) },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter(params) {
          const f = rows[params[0]?.dataIndex ?? 0];
          if (!f) return '';
          const lines = [escapeHtml(f.label), `${escapeHtml(t('imagePerceived'))}: ${escapeHtml(fmtPercent(f.share))} (${escapeHtml(range(f.share_ci, fmtPercent))})`];
          if (hasIntended) lines.push(`${escapeHtml(t('imageIntended'))}: ${escapeHtml(fmtPercent(f.intended_share ?? 0))}`);
          lines.push(`${escapeHtml(t('tone'))}: ${escapeHtml(fmtTone(f.tone))} (${escapeHtml(range(f.tone_ci, fmtTone))})`);
          return lines.join('<br>');
        },
      },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => fmtPercent(v) } },
      yAxis: { type: 'category', data: rows.map((f) => f.label), inverse: true },
      series,
    },
    { notMerge: true },
  );
}

function drawTable(image, ctx) {
  const table = $('image-table');
  const intended = image.intended !== null;
  const heads = intended
    ? ['facet_field', 'imagePerceived', 'imageIntended', 'imageGap', 'tone', 'imageWanted', 'imageAuthors', 'imageStatus']
    : ['facet_field', 'imagePerceived', 'tone', 'imageAuthors'];
  table.replaceChildren(el('thead', {}, [el('tr', {}, heads.map((h) => el('th', { text: t(h) })))]));
  const body = el('tbody');
  for (const f of image.fields) {
    // A real link (it opens in a new tab too); a plain click fills the search box instead.
    const href = `?brand=${encodeURIComponent(image.brand)}&q=${encodeURIComponent(f.query)}`;
    const link = el('a', { className: 'link', text: f.label, attrs: { href, 'data-query': f.query } });
    link.addEventListener('click', (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      ctx.search(f.query);
    });
    const share = el('td', { className: 'num', text: `${fmtPercent(f.share)}` }, [el('span', { className: 'ci', text: ` ${range(f.share_ci, fmtPercent)}` })]);
    const tone = el('td', { className: `num ${toneClass(f.tone)}`, text: fmtTone(f.tone) }, [el('span', { className: 'ci', text: ` ${range(f.tone_ci, fmtTone)}` })]);
    const cells = intended
      ? [
          el('td', {}, [link]),
          share,
          el('td', { className: 'num', text: fmtPercent(f.intended_share ?? 0) }),
          el('td', { className: 'num', text: points(f.share_gap) }),
          tone,
          el('td', { className: 'num', text: f.intended_tone === undefined ? '–' : fmtTone(f.intended_tone) }),
          el('td', { className: 'num', text: fmtNumber(f.unique_authors) }),
          el('td', {}, [el('span', { className: `status status-${f.status}`, text: t(`imageStatus_${f.status}`) })]),
        ]
      : [el('td', {}, [link]), share, tone, el('td', { className: 'num', text: fmtNumber(f.unique_authors) })];
    body.append(el('tr', { attrs: { 'data-field': f.field, 'data-status': f.status } }, cells));
  }
  table.append(body);
  const emerging = $('image-emerging');
  emerging.replaceChildren(
    ...(image.emerging.length === 0
      ? [el('li', { className: 'muted', text: t('noTerms') })]
      : image.emerging.map((e) => {
          const button = el('button', { className: 'term', attrs: { type: 'button' } }, [el('span', { text: e.label }), el('span', { className: 'count', text: fmtNumber(e.count) })]);
          button.addEventListener('click', () => ctx.search(/\s/.test(e.label) ? `"${e.label}"` : e.label));
          return el('li', {}, [button]);
        })),
  );
}

/** Resizes the chart with the window. */
export function resizeImage() {
  window.echarts?.getInstanceByDom($('image-chart'))?.resize();
}
