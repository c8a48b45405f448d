/// <reference lib="dom" />
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANONYMOUS_HEADERS, adminHeaders, gqlData, startTestApp, TestApp } from '../support/app';
import { launchBrowser, screenshot, TestBrowser, watchedPage, WatchedPage } from '../support/browser';

/**
 * The pages in a real browser (headless Chromium) against the real server on the demo data, with
 * the network cut off: the landing page, the GraphQL IDE, the example dashboard, and a page on
 * another origin calling the API. Every request of every page is recorded; none may leave for a
 * host other than the server (and, for the cross-origin page, its own origin).
 */

let t: TestApp;
let browser: TestBrowser;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser(); // first: afterAll closes it even if the server fails to start
  t = await startTestApp({ seedScale: 0.2, demo: true, as: null });
}, 1_500_000); // the demo data: about a minute on a quiet machine, far more on a busy one

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(path: string, origins = [t.base]): Promise<WatchedPage> {
  const w = await watchedPage(browser, origins);
  pages.push(w);
  await w.page.goto(`${t.base}${path}`, { waitUntil: 'networkidle0' });
  return w;
}

/** The text a person reads in an element (the editor shows spaces as no-break spaces). */
const text = (w: WatchedPage, selector: string) => w.page.$eval(selector, (el) => (el as HTMLElement).innerText.replace(/\u00a0/g, ' '));

it('the landing page says what this is and links to the IDE, the dashboard, the reports, health and metrics', async () => {
  const w = await open('/');
  expect(await w.page.title()).toContain('教育政务公开数据接口');
  const links = await w.page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
  expect(links).toEqual(expect.arrayContaining(['/graphql', '/dashboard', '/reports/430000/2014.html', '/health', '/metrics']));
  expect(await text(w, 'body')).toContain('unit(code: "430000")');
  await screenshot(w.page, 'landing');
  expect(w.errors).toEqual([]);
});

it('the IDE (GraphiQL, served offline) runs a query and shows the answer, with the documentation explorer and history', async () => {
  const w = await open('/graphql');
  await w.page.waitForSelector('.graphiql-execute-button');
  // The editor is ready once the schema arrived: the documentation explorer can show the root types.
  await w.page.click('[aria-label="Show Documentation Explorer"]');
  await w.page.waitForFunction(() => document.querySelector('.graphiql-doc-explorer')?.textContent?.includes('Query'), { timeout: 60_000 });
  await w.page.click('.graphiql-execute-button');
  await w.page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('湖南省教育厅'), { timeout: 60_000 });
  const answer = await text(w, '.graphiql-response');
  expect(answer).toContain('"name": "湖南省教育厅"');
  const { unit } = await gqlData(t, '{ unit(code: "430000") { own(period: { year: 2014 }) { interactions { received repliedOnTime } } } }', undefined, ANONYMOUS_HEADERS);
  expect(answer).toContain(`"received": ${unit.own.interactions.received}`);
  expect(answer).toContain(`"repliedOnTime": ${unit.own.interactions.repliedOnTime}`);
  await w.page.click('[aria-label="Show History"]');
  await w.page.waitForSelector('.graphiql-history-item', { timeout: 10_000 });
  await screenshot(w.page, 'ide');
  expect(w.errors).toEqual([]);
});

it('the dashboard shows Hunan 2014 (seed 000), the 12-month series as a chart, and drills down to a county and a school', async () => {
  const w = await open('/dashboard');
  await w.page.waitForFunction(() => document.getElementById('own')?.textContent?.includes('来信合计'), { timeout: 60_000 });
  expect(await text(w, '#title')).toContain('湖南省教育厅 2014年');
  // Seed 000: 4,736 letters (mailbox, consultation, complaint) received, 4,325 replied on time.
  const letters = await text(w, '#own tbody tr:first-child');
  expect(letters.split('\t')).toEqual(['来信合计（信箱、咨询、投诉）', '4,736', '4,325', '323']);

  // The chart: 12 monthly points, described for screen readers, equal to the API's series.
  const api = await gqlData(
    t,
    `{ unit(code: "430000") { id } }`,
    undefined,
    ANONYMOUS_HEADERS,
  ).then(({ unit }) =>
    gqlData(t, `{ timeSeries(unitId: "${unit.id}", metric: EVENTS_RECEIVED, period: { year: 2014 }) { points { value } } }`, undefined, ANONYMOUS_HEADERS),
  );
  const aria = await w.page.$eval('#series', (el) => el.getAttribute('aria-label') ?? '');
  const shown = [...aria.matchAll(/(\d+)月 (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  expect(shown).toEqual(api.timeSeries.points.map((p: { value: number }, i: number) => [i + 1, p.value]));
  expect(shown).toHaveLength(12);
  expect(await w.page.$$eval('#series svg path', (ps) => ps.length)).toBeGreaterThan(12);
  expect(await text(w, '#coverage')).toContain('县级');
  await screenshot(w.page, 'dashboard-hunan-2014');

  // Drill down: province → city → county → school, by clicking rows as a person would.
  const clickChild = async (pattern: RegExp) => {
    const code = await w.page.$$eval('#children tr[data-code]', (rows, src) => rows.map((r) => (r as HTMLElement).dataset.code!).find((c) => new RegExp(src).test(c)), pattern.source);
    expect(code).toBeDefined();
    const name = await w.page.$eval(`#children tr[data-code="${code}"] td`, (td) => td.textContent!);
    await w.page.click(`#children tr[data-code="${code}"]`);
    await w.page.waitForFunction((n) => document.getElementById('title')?.textContent?.startsWith(n), { timeout: 60_000 }, name);
    return { code: code!, name };
  };
  const city = await clickChild(/^430100$/);
  expect(city.name).toBe('长沙市教育局');
  const county = await clickChild(/^4301\d\d$/);
  expect(await w.page.$$eval('#crumbs a', (as) => as.map((a) => a.textContent))).toEqual(['湖南省教育厅', '长沙市教育局', county.name]);
  const { unit } = await gqlData(t, `{ unit(code: "${county.code}") { level children { code } } }`, undefined, ANONYMOUS_HEADERS);
  expect(unit.level).toBe('COUNTY');
  expect(unit.children.length).toBeGreaterThan(0);
  expect(await w.page.$$eval('#children tr[data-code]', (rows) => rows.map((r) => (r as HTMLElement).dataset.code).sort())).toEqual(unit.children.map((c: { code: string }) => c.code).sort());
  await screenshot(w.page, 'dashboard-county');
  const school = await clickChild(/^\d{7,}$/);
  expect(await w.page.$$eval('#crumbs a', (as) => as.length)).toBe(4);
  expect(await text(w, '#title')).toContain(school.name);
  expect(w.errors).toEqual([]);
});

it('the dashboard updates live: a new event in the province shows without a reload (statsChanged over graphql-ws)', async () => {
  const w = await open('/dashboard?unit=430000&year=2014');
  await w.page.waitForFunction(() => document.getElementById('live')?.textContent === '实时更新', { timeout: 60_000 });
  const received = async () => Number((await text(w, '#figures .card:first-child .v')).replace(/,/g, ''));
  const before = await received();
  expect(before).toBeGreaterThan(4_736);
  const { unit } = await gqlData(t, '{ unit(code: "430000") { id } }', undefined, ANONYMOUS_HEADERS);
  await gqlData(t, `mutation($u: ID!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: MAILBOX_WEB, subject: "实时", receivedAt: "2014-06-03T02:00:00Z" }) { id } }`, { u: unit.id }, await adminHeaders('430000'));
  await w.page.waitForFunction((n) => Number(document.querySelector('#figures .card:first-child .v')?.textContent?.replace(/,/g, '')) === n, { timeout: 30_000 }, before + 1);
  expect(await received()).toBe(before + 1);
  expect(w.errors).toEqual([]);
});

it('a page on another origin queries the API: public figures, and private rows with a staff token', async () => {
  const token = (await adminHeaders('430000')).authorization;
  const html = `<!doctype html><meta charset="utf-8"><title>other origin</title><pre id="out">…</pre><script>
    const ask = (query, headers) => fetch(${JSON.stringify(t.url)}, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) })
      .then(async (r) => ({ status: r.status, statements: r.headers.get('x-sql-statements'), body: await r.json() }));
    Promise.all([
      ask('{ unit(code: "430000") { name stats(period: { year: 2014 }) { interactions { received } } } }', {}),
      ask('{ interactions(first: 1) { totalCount } }', { authorization: ${JSON.stringify(token)} }),
    ]).then((r) => { document.getElementById('out').textContent = JSON.stringify(r); }, (e) => { document.getElementById('out').textContent = 'failed: ' + e.message; });
  </script>`;
  const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const origin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const w = await watchedPage(browser, [origin, t.base]);
    pages.push(w);
    await w.page.goto(origin, { waitUntil: 'networkidle0' });
    await w.page.waitForFunction(() => document.getElementById('out')?.textContent !== '…', { timeout: 60_000 });
    const [pub, staff] = JSON.parse(await text(w, '#out'));
    const expected = await gqlData(t, '{ unit(code: "430000") { name stats(period: { year: 2014 }) { interactions { received } } } }', undefined, ANONYMOUS_HEADERS);
    expect(pub).toMatchObject({ status: 200, body: { data: expected } });
    expect(Number(pub.statements)).toBeGreaterThan(0); // an exposed header the page can read
    expect(staff.status).toBe(200);
    expect(staff.body.data.interactions.totalCount).toBeGreaterThan(0);
    expect(w.requests).toEqual(expect.arrayContaining([`${origin}/`, t.url]));
    expect(w.errors).toEqual([]);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

it('no page asked for anything outside the server (no CDN, no font service)', () => {
  expect(pages.length).toBeGreaterThanOrEqual(4);
  expect(pages.flatMap((w) => w.outside)).toEqual([]);
  // The IDE's editor workers and styles came from the server.
  const all = pages.flatMap((w) => w.requests);
  expect(all).toEqual(expect.arrayContaining([`${t.base}/static/ide/ide.js`, `${t.base}/static/ide/ide.css`, `${t.base}/static/dashboard/dashboard.js`]));
  expect(all.some((u) => u.endsWith('.worker.js'))).toBe(true);
});
