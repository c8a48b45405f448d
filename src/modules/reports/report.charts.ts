import type { AnnualReport, ReportSection, ReportTable } from './report.types';

/**
 * Charts of the annual report's HTML page, rendered on the server as SVG by Apache ECharts (its
 * server-side renderer): the page keeps no script, prints as it shows, and needs no network.
 * Labels are set as SVG text, which ECharts escapes.
 */

type ECharts = typeof import('echarts');
let loaded: ECharts | null = null;
/** ECharts is loaded on the first report page, not at server start. */
function echarts(): ECharts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('echarts') as ECharts);
}

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
const COLORS = ['#b91c1c', '#9ca3af', '#2563eb'];

function svg(width: number, height: number, option: Record<string, unknown>): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: COLORS, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Horizontal bars, one row per label, one bar per series (this year beside the previous one). */
function bars(labels: string[], series: { name: string; data: (number | null)[] }[]): string {
  return svg(680, 60 + labels.length * (series.length * 12 + 12), {
    legend: { top: 0 },
    grid: { left: 10, right: 50, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: labels, inverse: true },
    series: series.map((s) => ({ ...s, type: 'bar', label: { show: true, position: 'right', fontSize: 10 } })),
  });
}

/** One point per month (1月 … 12月). */
function months(title: string, values: (number | null)[]): string {
  return svg(680, 240, {
    legend: { top: 0 },
    grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: 'category', data: values.map((_, i) => `${i + 1}月`) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: title, type: 'line', data: values, label: { show: true, fontSize: 10 } }],
  });
}

const table = (s: ReportSection, key: string): ReportTable | undefined => s.tables.find((t) => t.key === key);

/**
 * The charts to show after a table, by `<section key>.<table key>`: items by category (this year
 * and the previous), consultations by channel (received and replied on time), and, when given, the
 * interactions received each month. Tables without rows get no chart.
 */
export function reportCharts(r: AnnualReport, monthly?: (number | null)[]): Map<string, string> {
  const charts = new Map<string, string>();
  for (const s of r.sections) {
    const byCategory = table(s, 'byCategory');
    if (byCategory?.rows.length) {
      charts.set(`${s.key}.byCategory`, bars(byCategory.rows.map((x) => x.label), [
        { name: `${r.year}年`, data: byCategory.rows.map((x) => x.cells[0].value) },
        { name: `${r.year - 1}年`, data: byCategory.rows.map((x) => x.cells[0].previous) },
      ]));
    }
    const byKind = table(s, 'byKind');
    if (byKind?.rows.length) {
      const kinds = byKind.rows.filter((x) => x.cells.some((c) => c.value));
      if (kinds.length) {
        charts.set(`${s.key}.byKind`, bars(kinds.map((x) => x.label), byKind.columns.map((c, i) => ({ name: c.label, data: kinds.map((x) => x.cells[i].value) }))));
      }
      if (monthly?.some((v) => v)) charts.set(`${s.key}.byKind.monthly`, months('各月收到的政民互动事项', monthly));
    }
  }
  return charts;
}
