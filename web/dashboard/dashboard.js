// The example dashboard: a reference client of the public GraphQL endpoint. It asks two queries
// per view (the unit with its figures and children; then the series, rankings and lagging units,
// which take the unit's id), draws the 12-month series with Apache ECharts, and reads the view
// again when a `statsChanged` subscription (graphql-ws, same endpoint) says the figures changed.
import { createClient } from 'graphql-ws';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, AriaComponent, GridComponent, TooltipComponent, SVGRenderer]);

const API = '/graphql'; // a dashboard on another origin puts the API's full URL here
const REFRESH_MS = 60_000; // only while live updates are unavailable

/** POSTs one operation; JSON bodies also satisfy the server's CSRF prevention. */
async function gql(query, variables) {
  const res = await fetch(API, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** The subtree's figures the overview shows; the live subscription selects the same. */
const STATS = 'interactions { received repliedOnTime onTimeRate overdue serviceRequests } disclosures { published } applications { received } centres { total byLevel { level centres units unitsCovered coverage } }';

const UNIT = `query Unit($code: String!, $year: Int!) {
  tenants { code name }
  unit(code: $code) {
    id code name level
    ancestors { code name }
    stats(period: { year: $year }) { ${STATS} }
    own(period: { year: $year }) { interactions { byKind { kind received repliedOnTime invalid } } }
    children {
      code name level
      stats(period: { year: $year }) { interactions { received onTimeRate } disclosures { published } centres { total } }
    }
  }
}`;

const DETAILS = `query Details($id: ID!, $year: Int!) {
  timeSeries(unitId: $id, metric: EVENTS_RECEIVED, granularity: MONTH, period: { year: $year }) { points { from value } }
  rankings(parentId: $id, metric: ON_TIME_RATE, period: { year: $year }, first: 10) { entries { rank value unit { code name } } }
  laggingUnits(parentId: $id, period: { year: $year }, first: 10) { problems unit { code name } }
}`;

const LEVEL = { PROVINCE: '省级', CITY: '市级', COUNTY: '县级', SCHOOL: '学校' };
const KIND = {
  MAILBOX: '信箱', CONSULTATION: '咨询', COMPLAINT: '投诉', PORTAL_QA: '公众问答', HOTLINE: '热线电话',
  SERVICE_REQUEST: '服务事项', INTERVIEW: '在线访谈', SURVEY: '网上调查', SOLICITATION: '征求意见',
};
const PROBLEM = {
  NO_PUBLICATION: '全年无信息报送', NO_INTERVIEW: '未参加在线访谈', NO_OFFICER: '未明确工作人员',
  NO_RESPONSIBLE_DEPARTMENT: '未明确责任部门', NO_CENTRE: '无阳光服务中心', OVERDUE_EVENTS: '有超期未办事项',
};

const $ = (id) => document.getElementById(id);
const num = (n) => (n == null ? '—' : n.toLocaleString('en-US'));
const pct = (r) => (r == null ? '—' : `${(r * 100).toFixed(1)}%`);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const isNum = (c) => /^[\d,.%—]+$/.test(String(c)); // figures are right-aligned
const table = (head, rows) =>
  `<thead><tr>${head.map((h, i) => `<th${i && isNum(rows[0]?.cells[i] ?? 0) ? ' class="n"' : ''}>${h}</th>`).join('')}</tr></thead>` +
  `<tbody>${rows.map((r) => `<tr${r.code ? ` class="link" data-code="${esc(r.code)}"` : ''}>${r.cells.map((c) => `<td${isNum(c) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('') || `<tr><td colspan="${head.length}">无</td></tr>`}</tbody>`;

const state = { code: new URLSearchParams(location.search).get('unit') ?? '430000', year: Number(new URLSearchParams(location.search).get('year') ?? 2014) };
const chart = echarts.init($('series'), null, { renderer: 'svg', locale: 'ZH' });

async function show() {
  try {
    const { tenants, unit } = await gql(UNIT, state);
    if (!unit) throw new Error(`没有代码为 ${state.code} 的单位`);
    const { timeSeries, rankings, laggingUnits } = await gql(DETAILS, { id: unit.id, year: state.year });
    render(tenants, unit, timeSeries, rankings, laggingUnits);
    watch(unit.id, unit.stats);
    $('error').textContent = '';
  } catch (err) {
    $('error').textContent = `加载失败：${err.message}`;
  }
}

function render(tenants, unit, series, ranking, lagging) {
  const { interactions: i, disclosures: d, applications: a, centres: c } = unit.stats;
  const province = unit.ancestors[0]?.code ?? unit.code;
  $('province').innerHTML = tenants.map((t) => `<option value="${esc(t.code)}"${t.code === province ? ' selected' : ''}>${esc(t.name)}</option>`).join('');
  $('crumbs').innerHTML = [...unit.ancestors, unit].map((u) => `<a data-code="${esc(u.code)}">${esc(u.name)}</a>`).join(' › ');
  $('title').textContent = `${unit.name} ${state.year}年（含下级单位）`;

  const cards = [['收到政民互动事项', num(i.received)], ['按时答复', num(i.repliedOnTime)], ['按时答复率', pct(i.onTimeRate)], ['超期', num(i.overdue)],
    ['主动公开信息', num(d.published)], ['依申请公开', num(a.received)], ['受理服务事项', num(i.serviceRequests)], ['阳光服务中心', num(c.total)]];
  $('figures').innerHTML = cards.map(([k, v]) => `<div class="card"><div class="v">${v}</div><div class="k">${k}</div></div>`).join('');

  // Seed 000 reports letters (mailbox, consultation, complaint) together: their sum comes first.
  const kinds = unit.own.interactions.byKind.filter((k) => k.received > 0).sort((a, b) => Object.keys(KIND).indexOf(a.kind) - Object.keys(KIND).indexOf(b.kind));
  const letters = kinds.filter((k) => ['MAILBOX', 'CONSULTATION', 'COMPLAINT'].includes(k.kind));
  const sum = (f) => letters.reduce((s, k) => s + k[f], 0);
  const ownRows = kinds.map((k) => ({ cells: [KIND[k.kind] ?? k.kind, num(k.received), num(k.repliedOnTime), num(k.invalid)] }));
  if (letters.length) ownRows.unshift({ cells: ['来信合计（信箱、咨询、投诉）', num(sum('received')), num(sum('repliedOnTime')), num(sum('invalid'))] });
  $('own').innerHTML = table(['类型', '收到', '按时答复', '无效'], ownRows);

  $('coverage').innerHTML = table(['层级', '中心', '单位', '已覆盖', '覆盖率'],
    c.byLevel.map((l) => ({ cells: [LEVEL[l.level], num(l.centres), num(l.units), num(l.unitsCovered), pct(l.coverage)] })));

  const months = series.points.map((p) => `${Number(p.from.slice(5, 7))}月`);
  chart.setOption({
    // What a screen reader says: every month's figure.
    aria: { enabled: true, label: { description: `${unit.name}${state.year}年各月收到的政民互动事项：${months.map((m, k) => `${m} ${series.points[k].value ?? '无'}`).join('，')}` } },
    tooltip: { trigger: 'axis' },
    grid: { left: 50, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: '收到事项', type: 'line', data: series.points.map((p) => p.value), itemStyle: { color: '#b91c1c' } }],
  });

  const bureausFirst = [...unit.children].sort((a, b) => Number(a.level === 'SCHOOL') - Number(b.level === 'SCHOOL'));
  $('children').innerHTML = table(['单位', '收到事项', '按时答复率', '主动公开', '服务中心'],
    bureausFirst.map((u) => ({ code: u.code, cells: [esc(u.name), num(u.stats.interactions.received), pct(u.stats.interactions.onTimeRate), num(u.stats.disclosures.published), num(u.stats.centres.total)] })));
  $('ranking').innerHTML = table(['名次', '单位', '按时答复率'], ranking.entries.map((e) => ({ code: e.unit.code, cells: [e.rank, esc(e.unit.name), pct(e.value)] })));
  $('lagging').innerHTML = table(['单位', '问题'], lagging.map((l) => ({ code: l.unit.code, cells: [esc(l.unit.name), l.problems.map((p) => PROBLEM[p] ?? p).join('、')] })));
}

function go(code) {
  state.code = code;
  history.pushState(null, '', `?unit=${encodeURIComponent(code)}&year=${state.year}`);
  show();
}

document.addEventListener('click', (e) => {
  const target = e.target.closest('[data-code]');
  if (target) go(target.dataset.code);
});
$('province').addEventListener('change', (e) => go(e.target.value));
$('year').innerHTML = Array.from({ length: 13 }, (_, k) => 2014 + k).map((y) => `<option${y === state.year ? ' selected' : ''}>${y}</option>`).join('');
$('year').addEventListener('change', (e) => { state.year = Number(e.target.value); go(state.code); });
window.addEventListener('popstate', () => { state.code = new URLSearchParams(location.search).get('unit') ?? '430000'; show(); });
window.addEventListener('resize', () => chart.resize());

// Live updates: one subscription for the unit and year on view, selecting the same figures as the
// view. Its first message is the figures as they are (so a write between the view's query and the
// subscription is not missed), later ones come when they change (at most one a second); the view
// is read again whenever they differ from what it shows. Without the WebSocket, a refresh every
// minute.
const LIVE = `subscription Live($id: ID!, $year: Int!) { statsChanged(unitId: $id, period: { year: $year }) { ${STATS} } }`;
let polling = null;
const ws = createClient({
  url: new URL(API, location.href).href.replace(/^http/, 'ws'),
  lazy: true,
  retryAttempts: 5,
  on: {
    connected: () => {
      $('live').textContent = '实时更新';
      if (polling) polling = (clearInterval(polling), null);
    },
    closed: () => {
      $('live').textContent = '实时更新中断，每分钟自动刷新';
      polling ??= setInterval(show, REFRESH_MS);
    },
  },
});
let watching = { key: '', stop: () => undefined };
function watch(id, shown) {
  const key = `${id}:${state.year}`;
  watching.shown = JSON.stringify(shown);
  if (watching.key === key) return;
  watching.stop();
  const current = { key, shown: watching.shown, stop: () => undefined };
  current.stop = ws.subscribe({ query: LIVE, variables: { id, year: state.year } }, {
    next: ({ data }) => {
      if (watching === current && data && JSON.stringify(data.statsChanged) !== current.shown) show();
    },
    error: () => {
      $('live').textContent = '实时更新不可用，每分钟自动刷新';
      polling ??= setInterval(show, REFRESH_MS);
    },
    complete: () => undefined,
  });
  watching = current;
}
show();
