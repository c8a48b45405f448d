import { reportCharts } from '../../src/modules/reports/report.charts';
import { renderHtml } from '../../src/modules/reports/report.render';
import type { AnnualReport } from '../../src/modules/reports/report.types';

/** The report page's charts: SVG drawn on the server, labels escaped, nothing to load. */

const cell = (value: number, previous: number) => ({ value, previous, change: value - previous });
const report = (labels: string[]): AnnualReport =>
  ({
    unit: { name: '测试教育局' },
    year: 2024,
    title: '测试教育局2024年政府信息公开工作年度报告',
    sections: [
      {
        key: 'DISCLOSURE',
        title: '一、主动公开政府信息情况',
        paragraphs: [],
        tables: [{ key: 'byCategory', title: '按信息类别', columns: [{ key: 'count', label: '数量' }], rows: labels.map((label, i) => ({ key: `c${i}`, label, cells: [cell(10 * (i + 1), 7 * (i + 1))] })) }],
      },
      {
        key: 'INTERACTION',
        title: '三、咨询处理和政民互动情况',
        paragraphs: [],
        tables: [
          {
            key: 'byKind',
            title: '按渠道',
            columns: [{ key: 'received', label: '收到' }, { key: 'repliedOnTime', label: '按时答复' }],
            rows: [
              { key: 'MAILBOX', label: '厅长信箱', cells: [cell(4000, 0), cell(3700, 0)] },
              { key: 'HOTLINE', label: '热线电话', cells: [cell(0, 0), cell(0, 0)] },
            ],
          },
        ],
      },
    ],
  }) as unknown as AnnualReport;

it('draws items by category (this year and the previous), consultations by channel and interactions by month as SVG', () => {
  const monthly = [31, 28, 0, 5, 6, 7, 8, 9, 10, 11, 12, 4003];
  const charts = reportCharts(report(['通知文件', '新闻动态']), monthly);
  expect([...charts.keys()]).toEqual(['DISCLOSURE.byCategory', 'INTERACTION.byKind', 'INTERACTION.byKind.monthly']);
  for (const svg of charts.values()) {
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|xlink:href="http|href="http/);
  }
  const byCategory = charts.get('DISCLOSURE.byCategory')!;
  for (const s of ['通知文件', '新闻动态', '2024年', '2023年', '>10<', '>20<', '>7<', '>14<']) expect(byCategory).toContain(s);
  const byKind = charts.get('INTERACTION.byKind')!;
  expect(byKind).toContain('厅长信箱');
  expect(byKind).not.toContain('热线电话'); // a channel with nothing is left out of the chart
  const months = charts.get('INTERACTION.byKind.monthly')!;
  for (let m = 1; m <= 12; m++) expect(months).toContain(`>${m}月<`);
  expect(months).toContain('>4003<');
});

it('escapes labels that come from tenants (category names) and leaves out charts without data', () => {
  const charts = reportCharts(report(['<script>alert(1)</script>', 'a&b']));
  const svg = charts.get('DISCLOSURE.byCategory')!;
  expect(svg).not.toContain('<script>');
  expect(svg).toContain('&lt;script&gt;');
  expect(svg).toContain('a&amp;b');
  expect(charts.has('INTERACTION.byKind.monthly')).toBe(false);
  expect(reportCharts(report([])).has('DISCLOSURE.byCategory')).toBe(false);
  const html = renderHtml(report(['通知文件']), { monthly: Array(12).fill(0) });
  expect(html.match(/<figure class="chart"><svg/g)).toHaveLength(2);
});
