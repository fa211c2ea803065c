const root = process.argv[2];
const { EmbeddedMentionStore } = await import(`${root}/dist/src/store/embedded/index.js`);
const { backtest } = await import(`${root}/dist/src/alerts/backtest.js`);
const { BrandAlertsSchema } = await import(`${root}/dist/src/alerts/config.js`);
const store = new EmbeddedMentionStore({ file: process.argv[3] });
await store.ensureSchema();
await store.count({ duplicates: 'include' });
const T0 = Date.UTC(2026, 5, 1);
const brand = { id: 'acme', name: 'Acme', query: 'acme', competitors: [], alerts: BrandAlertsSchema.parse({ default_window: '1h', ...(process.env.RULES && { rules: JSON.parse(process.env.RULES) }) }) };
for (const full of [false, ...(process.env.FULL ? [true] : [])]) {
  const c = process.cpuUsage(); const t = performance.now();
  const r = await backtest(store, [brand], { brand: 'acme', from: new Date(T0).toISOString(), to: new Date(T0 + 30 * 86400000).toISOString(), fullReplay: full });
  const u = process.cpuUsage(c);
  console.log(JSON.stringify({ full, wall_s: (performance.now() - t) / 1000, cpu_s: (u.user + u.system) / 1e6, alerts: r.alerts.length, mentions: r.mentions }));
}
await store.close();
