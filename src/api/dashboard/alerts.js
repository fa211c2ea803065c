// The dashboard's alerts panel: the brand's incidents with their explanation (summary, value
// against the usual value, the fields and terms over-weighing, example mentions, the link to the
// window's mentions), acknowledge and feedback buttons, and a backtest form that shows when a rule
// would have fired on the stored history (POST /api/alerts/backtest). Everything that comes from a
// mention or an alert is put in with textContent, never parsed as HTML.
import { fmtDate, fmtNumber, lang } from './i18n.js';

const STRINGS = {
  en: {
    title: 'Incidents',
    help: 'Tone drops and volume spikes of this brand, each with why it fired. Acknowledge what is being handled; say whether an alert was useful to tune the rules.',
    showOpen: 'Open',
    showAll: 'All',
    none: 'No incident: nothing unusual was detected.',
    opened: 'opened',
    resolved: 'resolved',
    acknowledged: (who, when) => `Acknowledged${who ? ` by ${who}` : ''} ${when}`,
    ack: 'Acknowledge',
    useful: 'Useful',
    notUseful: 'Not useful',
    feedbackSaved: (v) => (v === 'useful' ? 'Marked useful' : 'Marked not useful'),
    usual: 'usual',
    deviation: 'deviation',
    window: 'Window',
    mentions: 'mentions',
    fields: 'Fields over-weighing',
    terms: 'Terms over-weighing',
    sources: 'Sources',
    examples: 'Example mentions',
    showMentions: 'Show these mentions',
    severity: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
    metric: { negative_share: 'Negative share', mean_tone: 'Mean tone', volume: 'Volume (mentions)', velocity: 'Velocity', unique_authors: 'Unique authors' },
    backtest: 'Try a rule on history',
    backtestHelp: 'Replays the stored mentions through the brand’s rules and shows when each would have fired, before anyone is woken up.',
    rule: 'Rule (empty: every rule of the brand)',
    metricEdit: 'Or try a new rule on',
    metricNone: '— the brand’s rules —',
    windowLabel: 'Window',
    queryLabel: 'Only mentions matching (query, optional)',
    preset: 'Sensitivity',
    presetRule: 'as configured',
    sensitive: 'sensitive',
    balanced: 'balanced',
    strict: 'strict',
    from: 'From',
    to: 'To',
    run: 'Run the backtest',
    running: 'Replaying the history…',
    fired: (n, m) => `${fmtNumber(n)} ${n === 1 ? 'alert' : 'alerts'} would have fired (${fmtNumber(m)} mentions replayed).`,
    noBacktest: 'The backtest is not available on this écoute.',
    error: (m) => `Could not load: ${m}`,
  },
  fr: {
    title: 'Incidents',
    help: 'Chutes de tonalité et pics de volume de la marque, chacun avec sa raison. Accusez réception de ce qui est pris en charge ; dites si une alerte était utile pour régler les règles.',
    showOpen: 'Ouverts',
    showAll: 'Tous',
    none: 'Aucun incident : rien d’inhabituel n’a été détecté.',
    opened: 'ouvert',
    resolved: 'résolu',
    acknowledged: (who, when) => `Pris en charge${who ? ` par ${who}` : ''} ${when}`,
    ack: 'Prendre en charge',
    useful: 'Utile',
    notUseful: 'Pas utile',
    feedbackSaved: (v) => (v === 'useful' ? 'Marquée utile' : 'Marquée pas utile'),
    usual: 'habituel',
    deviation: 'écart',
    window: 'Fenêtre',
    mentions: 'mentions',
    fields: 'Champs surreprésentés',
    terms: 'Termes surreprésentés',
    sources: 'Sources',
    examples: 'Exemples de mentions',
    showMentions: 'Voir ces mentions',
    severity: { low: 'faible', medium: 'moyenne', high: 'élevée', critical: 'critique' },
    metric: { negative_share: 'Part négative', mean_tone: 'Tonalité moyenne', volume: 'Volume (mentions)', velocity: 'Vélocité', unique_authors: 'Auteurs uniques' },
    backtest: 'Essayer une règle sur l’historique',
    backtestHelp: 'Rejoue les mentions enregistrées dans les règles de la marque et montre quand chacune se serait déclenchée, avant de réveiller qui que ce soit.',
    rule: 'Règle (vide : toutes les règles de la marque)',
    metricEdit: 'Ou essayer une nouvelle règle sur',
    metricNone: '— les règles de la marque —',
    windowLabel: 'Fenêtre',
    queryLabel: 'Seulement les mentions qui correspondent (requête, facultatif)',
    preset: 'Sensibilité',
    presetRule: 'comme configurée',
    sensitive: 'sensible',
    balanced: 'équilibrée',
    strict: 'stricte',
    from: 'Du',
    to: 'Au',
    run: 'Lancer le test',
    running: 'Relecture de l’historique…',
    fired: (n, m) => `${fmtNumber(n)} ${n <= 1 ? 'alerte se serait déclenchée' : 'alertes se seraient déclenchées'} (${fmtNumber(m)} mentions rejouées).`,
    noBacktest: 'Le test sur l’historique n’est pas disponible sur cette instance.',
    error: (m) => `Chargement impossible : ${m}`,
  },
};

const s = (key, ...args) => {
  const v = (STRINGS[lang()] ?? STRINGS.en)[key] ?? STRINGS.en[key];
  return typeof v === 'function' ? v(...args) : v;
};

function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** The metric's value as people read it (the same rules as the emails). */
export function formatMetric(metric, value) {
  const nf = (digits) => new Intl.NumberFormat(lang(), { maximumFractionDigits: digits });
  if (metric === 'negative_share') return new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 1 }).format(value);
  if (metric === 'mean_tone') return new Intl.NumberFormat(lang(), { signDisplay: 'exceptZero', maximumFractionDigits: 2 }).format(value);
  if (metric === 'velocity') return `×${nf(2).format(value)}`;
  return nf(1).format(value);
}

const pct = (x) => new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 0 }).format(x);

/**
 * An explanation's link is the dashboard itself (`/?brand=…&q=…&from=…&to=…`): only a same-origin
 * path is kept, so an alert can never send the reader to another host.
 */
export function sameOriginLink(link) {
  if (typeof link !== 'string' || !link.startsWith('/') || link.startsWith('//')) return null;
  try {
    const url = new URL(link, location.origin);
    return url.origin === location.origin ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

/** The brand, query and window a link to the dashboard carries (an alert's "show these mentions"), or null. */
export function linkedView() {
  const p = new URLSearchParams(location.search);
  const brand = p.get('brand');
  if (!brand) return null;
  return { brand, q: p.get('q') ?? '', from: p.get('from'), to: p.get('to') };
}

let deps = null;
let showing = 'all';
let lastBrand = '';

/** Mounts the panel in #alerts-panel; `api(path, init)` is the page's authenticated fetch, `brand()` the brand shown. */
export function mountAlerts(options) {
  deps = options;
  const root = document.getElementById('alerts-panel');
  if (!root) return;
  root.replaceChildren();
}

function renderFrame(root) {
  const select = el('select', { attrs: { id: 'alerts-status', 'aria-label': s('title') } }, [
    el('option', { text: s('showAll'), attrs: { value: 'all' } }),
    el('option', { text: s('showOpen'), attrs: { value: 'open' } }),
  ]);
  select.value = showing;
  select.addEventListener('change', () => {
    showing = select.value;
    refreshAlerts().catch(deps.onError);
  });
  root.replaceChildren(
    el('div', { className: 'panel-head' }, [el('h2', { text: s('title'), attrs: { id: 'alerts-title' } }), select]),
    el('p', { className: 'help', text: s('help') }),
    el('ol', { className: 'incidents', attrs: { id: 'incidents', 'aria-live': 'polite' } }),
    backtestForm(),
  );
}

/** Loads and draws the brand's incidents (each with its latest alert's explanation). */
export async function refreshAlerts() {
  const root = document.getElementById('alerts-panel');
  if (!root || !deps) return;
  const brand = deps.brand();
  if (!root.firstChild || brand !== lastBrand || root.dataset.lang !== lang()) {
    renderFrame(root);
    root.dataset.lang = lang();
    lastBrand = brand;
  }
  const list = document.getElementById('incidents');
  if (!brand) return list.replaceChildren();
  const params = new URLSearchParams({ brand, limit: '20' });
  if (showing === 'open') params.set('status', 'open');
  try {
    const { incidents } = await deps.api(`/api/incidents?${params}`);
    const detailed = await Promise.all(incidents.map((i) => deps.api(`/api/incidents/${encodeURIComponent(i.id)}`)));
    list.replaceChildren(...(detailed.length ? detailed.map(({ incident, alerts }) => renderIncident(incident, alerts)) : [el('li', { className: 'none', text: s('none') })]));
  } catch (error) {
    if (error?.status === 503) return list.replaceChildren(el('li', { className: 'none', text: s('none') }));
    list.replaceChildren(el('li', { className: 'panel-error', text: s('error', error?.message ?? String(error)) }));
    if (error?.status === 401 || error?.status === 403) throw error;
  }
}

function ackLine(item) {
  return item.acknowledgedAt ? s('acknowledged', item.acknowledgedBy, fmtDate(item.acknowledgedAt)) : '';
}

function renderIncident(incident, alerts) {
  const latest = alerts[alerts.length - 1];
  const state = el('span', { className: 'ack-state', text: ackLine(incident) });
  const head = el('div', { className: 'incident-head' }, [
    el('span', { className: `severity sev-${incident.severity}`, text: s('severity')[incident.severity] ?? incident.severity }),
    el('span', { className: 'when', text: `${s('opened')} ${fmtDate(incident.openedAt)}${incident.resolvedAt ? ` · ${s('resolved')} ${fmtDate(incident.resolvedAt)}` : ''}` }),
    el('span', { className: 'rules', text: incident.rules.join(', ') }),
    state,
  ]);
  const item = el('li', { className: `incident status-${incident.status}`, attrs: { 'data-incident': incident.id } }, [head, el('p', { className: 'summary', text: latest?.explanation?.summary ?? incident.summary })]);
  if (latest) item.append(renderExplanation(latest));
  const actions = el('div', { className: 'incident-actions' });
  const link = sameOriginLink(latest?.explanation?.link);
  if (link) actions.append(el('a', { className: 'show-mentions', text: s('showMentions'), attrs: { href: link } }));
  const ack = el('button', { className: 'ack', text: s('ack'), attrs: { type: 'button' } });
  ack.disabled = Boolean(incident.acknowledgedAt);
  ack.addEventListener('click', async () => {
    ack.disabled = true;
    try {
      const { incident: acked } = await deps.api(`/api/incidents/${encodeURIComponent(incident.id)}/ack`, { method: 'POST' });
      state.textContent = ackLine(acked);
      item.dataset.acknowledged = 'true';
    } catch (error) {
      ack.disabled = false;
      deps.onError(error);
    }
  });
  if (incident.acknowledgedAt) item.dataset.acknowledged = 'true';
  actions.append(ack);
  if (latest) {
    const saved = el('span', { className: 'feedback-state', text: latest.feedback ? s('feedbackSaved', latest.feedback) : '' });
    for (const [value, label] of [['useful', s('useful')], ['not_useful', s('notUseful')]]) {
      const button = el('button', { className: `feedback feedback-${value}`, text: label, attrs: { type: 'button', 'aria-pressed': String(latest.feedback === value) } });
      button.addEventListener('click', async () => {
        try {
          const { alert } = await deps.api(`/api/alerts/${encodeURIComponent(latest.id)}/feedback`, { method: 'POST', body: { feedback: value } });
          saved.textContent = s('feedbackSaved', alert.feedback);
          for (const b of actions.querySelectorAll('.feedback')) b.setAttribute('aria-pressed', String(b === button));
        } catch (error) {
          deps.onError(error);
        }
      });
      actions.append(button);
    }
    actions.append(saved);
  }
  item.append(actions);
  return item;
}

function renderExplanation(alert) {
  const e = alert.explanation;
  const box = el('div', { className: 'explanation' });
  box.append(
    el('p', { className: 'value-line' }, [
      el('strong', { text: `${s('metric')[alert.metric] ?? alert.metric}: ${formatMetric(alert.metric, alert.value)}` }),
      el('span', { text: ` (${s('usual')} ${formatMetric(alert.metric, alert.baseline)}, ${s('deviation')} ${alert.deviation.toFixed(1)}) · ${s('window')} ${fmtDate(alert.windowStart)} – ${fmtDate(alert.windowEnd)} · ${fmtNumber(e.mentions)} ${s('mentions')}` }),
    ]),
  );
  const line = (label, items) => (items.length ? box.append(el('p', { className: 'drivers' }, [el('span', { className: 'label', text: `${label}: ` }), el('span', { text: items.join(', ') })])) : undefined);
  line(s('fields'), (e.fields ?? []).map((f) => `${f.value.replace(/_/g, ' ')} ${pct(f.share)}${f.baselineShare !== undefined ? ` (${s('usual')} ${pct(f.baselineShare)})` : ''}`));
  line(s('terms'), (e.terms ?? []).map((t) => `${t.label || t.term} (${fmtNumber(t.count)})`));
  line(s('sources'), (e.sources ?? []).map((x) => `${x.value} ${pct(x.share)}`));
  if (e.examples?.length) {
    box.append(
      el('p', { className: 'label', text: s('examples') }),
      el(
        'ul',
        { className: 'examples' },
        e.examples.map((m) => el('li', {}, [el('q', { text: m.text }), el('small', { text: ` ${m.source}, ${fmtDate(m.publishedAt)}` })])),
      ),
    );
  }
  return box;
}

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

function backtestForm() {
  const now = Date.now();
  const ruleInput = el('input', { attrs: { id: 'bt-rule', type: 'text', list: 'bt-rules', spellcheck: 'false' } });
  const rules = el('datalist', { attrs: { id: 'bt-rules' } }, ['tone-drop', 'volume-spike'].map((r) => el('option', { attrs: { value: r } })));
  const preset = el('select', { attrs: { id: 'bt-preset' } }, [
    el('option', { text: s('presetRule'), attrs: { value: '' } }),
    ...['sensitive', 'balanced', 'strict'].map((p) => el('option', { text: s(p), attrs: { value: p } })),
  ]);
  const metric = el('select', { attrs: { id: 'bt-metric' } }, [
    el('option', { text: s('metricNone'), attrs: { value: '' } }),
    ...Object.entries(s('metric')).map(([value, label]) => el('option', { text: label, attrs: { value } })),
  ]);
  const windowSelect = el('select', { attrs: { id: 'bt-window' } }, ['1d', '1h', '15m'].map((w) => el('option', { text: w, attrs: { value: w } })));
  const ruleQuery = el('input', { attrs: { id: 'bt-query', type: 'text', spellcheck: 'false' } });
  const from = el('input', { attrs: { id: 'bt-from', type: 'date', value: isoDay(now - 30 * 86_400_000) } });
  const to = el('input', { attrs: { id: 'bt-to', type: 'date', value: isoDay(now + 86_400_000) } });
  const status = el('p', { className: 'bt-status', attrs: { id: 'bt-status', 'aria-live': 'polite' } });
  const results = el('ol', { className: 'bt-results', attrs: { id: 'bt-results' } });
  const field = (label, input) => el('label', { className: 'control' }, [el('span', { text: label }), input]);
  const form = el('form', { className: 'backtest', attrs: { id: 'backtest-form' } }, [
    field(s('rule'), ruleInput),
    rules,
    field(s('preset'), preset),
    field(s('metricEdit'), metric),
    field(s('windowLabel'), windowSelect),
    field(s('queryLabel'), ruleQuery),
    field(s('from'), from),
    field(s('to'), to),
    el('button', { text: s('run'), attrs: { type: 'submit' } }),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = s('running');
    results.replaceChildren();
    const body = { brand: deps.brand(), from: `${from.value}T00:00:00Z`, to: `${to.value}T00:00:00Z` };
    if (metric.value) {
      // A rule being edited: tried instead of the brand's, in the config's own shape.
      const draft = { name: ruleInput.value.trim() || 'draft', metric: metric.value, window: windowSelect.value };
      if (ruleQuery.value.trim()) draft.query = ruleQuery.value.trim();
      body.rules = [draft];
    } else if (ruleInput.value.trim()) body.rule = ruleInput.value.trim();
    if (preset.value) body.preset = preset.value;
    try {
      const result = await deps.api('/api/alerts/backtest', { method: 'POST', body });
      const alerts = result.alerts ?? [];
      status.textContent = s('fired', alerts.length, result.mentions ?? 0);
      results.replaceChildren(
        ...alerts.map((a) =>
          el('li', { className: `bt-alert sev-${a.severity}` }, [
            el('strong', { text: `${fmtDate(a.windowStart ?? a.window_start)} – ${fmtDate(a.windowEnd ?? a.window_end)}` }),
            el('span', { text: ` · ${a.rule} · ${s('metric')[a.metric] ?? a.metric} ${formatMetric(a.metric, a.value)} (${s('usual')} ${formatMetric(a.metric, a.baseline)}) · ${s('severity')[a.severity] ?? a.severity}` }),
            el('p', { className: 'summary', text: a.explanation?.summary ?? '' }),
          ]),
        ),
      );
    } catch (error) {
      status.textContent = error?.status === 404 && error?.code === 'HTTP_NOT_FOUND' ? s('noBacktest') : s('error', error?.message ?? String(error));
    }
  });
  return el('details', { className: 'backtest-box' }, [el('summary', { text: s('backtest') }), el('p', { className: 'help', text: s('backtestHelp') }), form, status, results]);
}
