// The dashboard's "Report" control: the brand's report for a period, as PDF, HTML, Markdown or
// JSON, fetched with the page's token (GET /api/brands/:id/report) and saved as a file. The control
// builds itself in the header; app.js only calls setupReport once.
const WORDS = {
  en: { report: 'Report', download: 'Download', period: 'Report period', format: 'Report format', preparing: 'Preparing…', failed: 'The report could not be made', periods: { 'last-7d': 'last 7 days', 'last-1w': 'last week', 'last-30d': 'last 30 days', month: 'last month' } },
  fr: { report: 'Rapport', download: 'Télécharger', period: 'Période du rapport', format: 'Format du rapport', preparing: 'Préparation…', failed: 'Le rapport n’a pas pu être produit', periods: { 'last-7d': '7 derniers jours', 'last-1w': 'semaine dernière', 'last-30d': '30 derniers jours', month: 'mois dernier' } },
};

/** The last whole calendar month, as the API's `YYYY-MM`. */
function lastMonth(now = new Date()) {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

function option(value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

/**
 * @param {{ brand: () => string, token: () => string | null, lang: () => string, notify: (message: string) => void }} hooks
 */
export function setupReport(hooks) {
  const header = document.querySelector('header.top');
  if (!header || document.getElementById('report-download')) return;
  const box = document.createElement('div');
  box.className = 'control report-control';
  const label = document.createElement('span');
  const period = document.createElement('select');
  period.id = 'report-period';
  const format = document.createElement('select');
  format.id = 'report-format';
  for (const f of ['pdf', 'html', 'md', 'json']) format.append(option(f, f.toUpperCase()));
  const button = document.createElement('button');
  button.id = 'report-download';
  button.type = 'button';
  box.append(label, period, format, button);
  header.append(box);

  const words = () => WORDS[hooks.lang()] ?? WORDS.en;
  const translate = () => {
    const w = words();
    const chosen = period.value || 'last-7d';
    label.textContent = w.report;
    period.setAttribute('aria-label', w.period);
    format.setAttribute('aria-label', w.format);
    period.replaceChildren(...Object.entries(w.periods).map(([value, text]) => option(value === 'month' ? lastMonth() : value, text)));
    period.value = [...period.options].some((o) => o.value === chosen) ? chosen : 'last-7d';
    button.textContent = w.download;
  };
  translate();
  document.getElementById('lang')?.addEventListener('change', translate);

  button.addEventListener('click', async () => {
    const brand = hooks.brand();
    if (!brand) return;
    const w = words();
    button.disabled = true;
    button.textContent = w.preparing;
    try {
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
      const params = new URLSearchParams({ period: period.value, format: format.value, lang: hooks.lang() === 'fr' ? 'fr' : 'en', tz });
      const headers = {};
      const token = hooks.token();
      if (token) headers.Authorization = `Bearer ${token}`;
      const response = await fetch(`/api/brands/${encodeURIComponent(brand)}/report?${params}`, { headers, credentials: 'omit' });
      if (!response.ok) {
        let reason = `HTTP ${response.status}`;
        try {
          reason = (await response.json()).reason ?? reason;
        } catch {
          // not JSON: the status says it
        }
        hooks.notify(`${w.failed}: ${reason}`);
        return;
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${brand}-report.${format.value}`;
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      hooks.notify(`${w.failed}: ${error?.message ?? String(error)}`);
    } finally {
      button.disabled = false;
      button.textContent = words().download;
    }
  });
}
