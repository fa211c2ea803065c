// The report's charts as SVG strings, rendered server-side by ECharts (SSR mode: no DOM, no
// browser), so the HTML carries them inline and needs no script and no request to show them.
import * as echarts from 'echarts';
import type { FieldImage } from '../image/types.js';
import type { ReportData } from './model.js';
import { formatters, t } from './strings.js';

export const PALETTE = { ink: '#1f2937', muted: '#6b7280', grid: '#e5e7eb', volume: '#3b6ea8', tone: '#d97706', intended: '#9ca3af', perceived: '#2563eb', negative: '#b91c1c', positive: '#15803d' };
const FONT = 'Helvetica, Arial, sans-serif';

function render(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: PALETTE.ink }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function timelineChart(data: ReportData, width = 720, height = 260): string {
  const s = t(data.lang);
  // The store's buckets are UTC days and hours: labelled in UTC, so a bar's date is the day it counts.
  const f = formatters(data.lang, 'UTC');
  const hourly = data.timeline.interval === 'hour';
  const labels = data.timeline.buckets.map((b) => (hourly ? f.dateTime(b.start) : f.date(b.start)));
  return render(
    {
      grid: { left: 56, right: 56, top: 36, bottom: 48 },
      legend: { top: 0, data: [s.mentionsAxis, s.toneAxis], textStyle: { fontSize: 11 } },
      xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 10, color: PALETTE.muted, hideOverlap: true }, axisTick: { alignWithLabel: true } },
      yAxis: [
        { type: 'value', name: s.mentionsAxis, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
        { type: 'value', name: s.toneAxis, min: -1, max: 1, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 }, splitLine: { show: false } },
      ],
      series: [
        { name: s.mentionsAxis, type: 'bar', data: data.timeline.buckets.map((b) => b.count), itemStyle: { color: PALETTE.volume }, barMaxWidth: 24 },
        {
          name: s.toneAxis,
          type: 'line',
          yAxisIndex: 1,
          data: data.timeline.buckets.map((b) => (b.meanTone === null ? null : Math.round(b.meanTone * 100) / 100)),
          itemStyle: { color: PALETTE.tone },
          lineStyle: { width: 2 },
          symbolSize: 4,
          connectNulls: false,
        },
      ],
    },
    width,
    height,
  );
}

export function shareOfVoiceChart(data: ReportData, width = 720, height = 40 + 34 * Math.max(1, data.shareOfVoice.length)): string {
  const s = t(data.lang);
  const rows = [...data.shareOfVoice].reverse();
  return render(
    {
      grid: { left: 120, right: 60, top: 28, bottom: 24 },
      legend: { top: 0, data: [s.share, s.toneWeightedShare], textStyle: { fontSize: 11 } },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %`, fontSize: 10 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
      yAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { fontSize: 11 } },
      series: [
        { name: s.share, type: 'bar', data: rows.map((r) => r.share), itemStyle: { color: PALETTE.volume }, label: { show: true, position: 'right', fontSize: 10, formatter: (p) => `${Math.round(Number(p.value) * 1000) / 10} %` } },
        { name: s.toneWeightedShare, type: 'bar', data: rows.map((r) => r.toneWeightedShare), itemStyle: { color: PALETTE.intended } },
      ],
    },
    width,
    height,
  );
}

/**
 * Intended versus perceived share per field (paired bars), the perceived share's 95 % interval
 * drawn as a whisker (a custom series: ECharts has no error bar of its own).
 */
export function imageChart(data: ReportData, fields: FieldImage[], width = 720, height = 60 + 30 * Math.max(1, fields.length)): string {
  const s = t(data.lang);
  const rows = [...fields].reverse();
  const intended = data.image?.intended !== null && data.image?.intended !== undefined;
  const top = Math.max(0.05, ...rows.map((r) => Math.max(r.shareCi[1], r.intendedShare ?? 0)));
  // Axis end: the next 10 % above the largest bar or whisker.
  const max = Math.min(1, Math.ceil((top * 1.05) / 0.1) * 0.1);
  return render(
    {
      grid: { left: 150, right: 40, top: 28, bottom: 24 },
      legend: { top: 0, data: intended ? [s.intended, s.perceived] : [s.perceived], textStyle: { fontSize: 11 } },
      xAxis: { type: 'value', min: 0, max, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %`, fontSize: 10 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
      yAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { fontSize: 11 } },
      series: [
        ...(intended ? [{ name: s.intended, type: 'bar' as const, data: rows.map((r) => r.intendedShare ?? 0), itemStyle: { color: PALETTE.intended }, barGap: '10%' }] : []),
        { name: s.perceived, type: 'bar', data: rows.map((r) => ({ value: r.share, itemStyle: { color: (r.tone ?? 0) < -0.05 ? PALETTE.negative : PALETTE.perceived } })) },
        {
          type: 'custom',
          name: 'ci',
          data: rows.map((r, i) => [i, r.shareCi[0], r.shareCi[1]]),
          encode: { y: 0, x: [1, 2] },
          renderItem: (_params, api) => {
            const y = api.value(0);
            const low = api.coord([api.value(1), y]);
            const high = api.coord([api.value(2), y]);
            const offset = intended ? 6 : 0;
            const yy = (low[1] ?? 0) + offset;
            const style = { stroke: PALETTE.ink, lineWidth: 1 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: low[0], y1: yy, x2: high[0], y2: yy }, style },
                { type: 'line', shape: { x1: low[0], y1: yy - 4, x2: low[0], y2: yy + 4 }, style },
                { type: 'line', shape: { x1: high[0], y1: yy - 4, x2: high[0], y2: yy + 4 }, style },
              ],
            };
          },
          z: 10,
        },
      ],
    },
    width,
    height,
  );
}
