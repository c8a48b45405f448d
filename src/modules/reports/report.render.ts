import escapeHtml from 'escape-html';
import { ReportFigureFormat, type AnnualReport, type ReportCell, type ReportRow, type ReportTable } from './report.types';
import { reportCharts } from './report.charts';

/**
 * The annual report for people: Markdown and a printable HTML page, from the same AnnualReport the
 * GraphQL query returns. Every stored or user-written string is escaped for its target.
 */


export function formatValue(v: number | null, rate: boolean): string {
  if (v === null) return '—';
  if (rate) return `${(v * 100).toFixed(1)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function formatChange(c: ReportCell, rate: boolean): string {
  if (c.change === null) return '—';
  if (c.change === 0) return '0';
  const s = rate ? `${(c.change * 100).toFixed(1)}个百分点` : Number.isInteger(c.change) ? String(Math.abs(c.change)) : Math.abs(c.change).toFixed(2);
  if (rate) return c.change > 0 ? `+${s}` : s;
  return c.change > 0 ? `+${s}` : `-${s}`;
}

/**
 * Markdown text: raw HTML is neutralised (&, <, > as entities), inline markup and table pipes are
 * backslash-escaped, and a line cannot start a heading, quote, list or rule.
 */
export function mdEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~!]/g, '\\$&')
    .replace(/^(\s*)(#|\+|-|=|\d+\.)/gm, (_, sp: string, m: string) => `${sp}${m.length > 1 ? m.slice(0, -1) + '\\.' : '\\' + m}`);
}

function periodText(r: AnnualReport): string {
  return `${r.year}年1月1日至${r.year}年12月31日`;
}

function headers(r: AnnualReport, t: ReportTable): string[] {
  const y = `${r.year}年`;
  const p = `${r.year - 1}年`;
  if (t.columns.length === 1) return ['项目', y, p, '增减'];
  return ['项目', ...t.columns.flatMap((c) => [`${c.label}（${y}）`, `${c.label}（${p}）`])];
}

function cells(t: ReportTable, row: ReportRow): string[] {
  const rate = row.format === ReportFigureFormat.RATE;
  if (t.columns.length === 1) {
    const c = row.cells[0];
    return [formatValue(c.value, rate), formatValue(c.previous, rate), formatChange(c, rate)];
  }
  return row.cells.flatMap((c) => [formatValue(c.value, rate), formatValue(c.previous, rate)]);
}

export function renderMarkdown(r: AnnualReport): string {
  const out: string[] = [`# ${mdEscape(r.title)}`, '', `本报告所列数据的统计期限为${periodText(r)}，各项数据与上年同期对比。`, ''];
  for (const s of r.sections) {
    out.push(`## ${mdEscape(s.title)}`, '');
    for (const t of s.tables) {
      out.push(`### ${mdEscape(t.title)}`, '');
      if (t.note) out.push(`${mdEscape(t.note)}`, '');
      if (!t.rows.length) {
        out.push('无。', '');
        continue;
      }
      const h = headers(r, t);
      out.push(`| ${h.map(mdEscape).join(' | ')} |`, `|${h.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
      for (const row of t.rows) out.push(`| ${[mdEscape(row.label), ...cells(t, row)].join(' | ')} |`);
      out.push('');
    }
    for (const p of s.paragraphs) {
      out.push(`### ${mdEscape(p.heading)}`, '');
      const paras = p.text.split(/\n\s*\n/).map((x) => x.trim()).filter(Boolean);
      out.push(...(paras.length ? paras.flatMap((x) => [mdEscape(x).replace(/\n/g, '  \n'), '']) : ['（未填写）', '']));
    }
  }
  if (r.text?.publishedOn) out.push(`${mdEscape(r.unit.name)}`, '', `${r.text.publishedOn}`, '');
  return out.join('\n');
}

const CSS = `
  @page { size: A4; margin: 20mm 18mm; }
  body { font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif; color: #111; max-width: 760px; margin: 2em auto; padding: 0 1em; line-height: 1.7; }
  h1 { font-size: 1.5em; text-align: center; margin-bottom: .3em; }
  h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
  h3 { font-size: 1em; margin: 1em 0 .3em; }
  p.lead { text-indent: 2em; }
  p.note { color: #555; font-size: .85em; margin: 0 0 .3em; }
  table { border-collapse: collapse; width: 100%; margin-bottom: .8em; font-size: .95em; }
  th, td { border: 1px solid #444; padding: .2em .5em; }
  th { background: #eee; font-weight: normal; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .sig { text-align: right; margin-top: 2em; }
  figure.chart { margin: .2em 0 1em; page-break-inside: avoid; }
  figure.chart svg { max-width: 100%; height: auto; }
  figure.chart figcaption { color: #555; font-size: .85em; }
  @media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } table { page-break-inside: avoid; } }
`;

/** The printable page; `monthly` (the unit's interactions received per month) adds a chart of them. */
export function renderHtml(r: AnnualReport, opts: { monthly?: (number | null)[] } = {}): string {
  const e = (s: string) => escapeHtml(s);
  const charts = reportCharts(r, opts.monthly);
  const figure = (key: string, caption?: string) => {
    const svg = charts.get(key);
    if (svg) out.push(`<figure class="chart">${svg}${caption ? `<figcaption>${e(caption)}</figcaption>` : ''}</figure>`);
  };
  const out: string[] = [
    '<!doctype html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(r.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${e(r.title)}</h1>`,
    `<p class="lead">本报告所列数据的统计期限为${e(periodText(r))}，各项数据与上年同期对比。</p>`,
  ];
  for (const s of r.sections) {
    out.push(`<h2>${e(s.title)}</h2>`);
    for (const t of s.tables) {
      out.push(`<h3>${e(t.title)}</h3>`);
      if (t.note) out.push(`<p class="note">${e(t.note)}</p>`);
      if (!t.rows.length) {
        out.push('<p>无。</p>');
        continue;
      }
      out.push('<table>', `<thead><tr>${headers(r, t).map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead>`, '<tbody>');
      for (const row of t.rows) out.push(`<tr><th scope="row">${e(row.label)}</th>${cells(t, row).map((c) => `<td class="n">${e(c)}</td>`).join('')}</tr>`);
      out.push('</tbody>', '</table>');
      figure(`${s.key}.${t.key}`);
      if (t.key === 'byKind') figure(`${s.key}.byKind.monthly`, '各月收到的政民互动事项（本级，各类型合计）');
    }
    for (const p of s.paragraphs) {
      out.push(`<h3>${e(p.heading)}</h3>`);
      const paras = p.text.split(/\n\s*\n/).map((x) => x.trim()).filter(Boolean);
      if (!paras.length) out.push('<p>（未填写）</p>');
      for (const x of paras) out.push(`<p class="lead">${x.split('\n').map(e).join('<br>')}</p>`);
    }
  }
  if (r.text?.publishedOn) out.push(`<p class="sig">${e(r.unit.name)}<br>${e(r.text.publishedOn)}</p>`);
  out.push('</body>', '</html>', '');
  return out.join('\n');
}
