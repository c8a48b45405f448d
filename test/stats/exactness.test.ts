import { gql, gqlData, startTestApp, TestApp } from '../support/app';
import { prng, rollupDifferences, tryWrite as refusable, unitsOf, UnitRef } from './support';

/**
 * Randomized exactness: hundreds of writes of every kind that changes a figure (ingest, create,
 * reply, invalidate, duplicate, reopen, delete, publish, withdraw, applications, disputes, centres,
 * officers, and moving units to another parent), then every rollup row of the tenant is compared
 * with a recount from the raw tables, and API figures with counts over the raw rows.
 */
const SEED = Number(process.env.ROLLUP_TEST_SEED ?? Date.now() % 100000);
const OPS = Number(process.env.ROLLUP_TEST_OPS ?? 400);
const TENANT = '420000';

let t: TestApp;
let units: UnitRef[];
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.1, as: { tenant: '420000', roles: ['ADMIN'] } });
  units = await unitsOf(t, TENANT);
});
afterAll(async () => t?.close());

const KINDS = ['MAILBOX', 'CONSULTATION', 'COMPLAINT', 'PORTAL_QA', 'HOTLINE', 'INTERVIEW', 'SURVEY', 'SERVICE_REQUEST'];
const CATEGORIES = ['NEWS', 'DISCLOSURE_COLUMN', 'PLANNING_FINANCE', 'SUPERVISION', 'BASIC_EDUCATION'];
const CHANNELS = ['DEPARTMENT_PORTAL', 'GOVERNMENT_PORTAL', 'WECHAT', 'WEIBO', 'OTHER_MEDIA'];
const OUTCOMES = ['GRANTED', 'PARTLY_GRANTED', 'NOT_HELD', 'NOT_WITHIN_SCOPE'];

describe(`rollups stay exact under random writes (seed ${SEED}, ${OPS} operations)`, () => {
  it('matches a recount from the raw tables after every phase', async () => {
    const r = prng(SEED);
    const events: string[] = [];
    const items: { id: string; status: string }[] = [];
    const apps: string[] = [];
    const disputes: string[] = [];
    const centres: string[] = [];
    const officers: string[] = [];
    const day = () => new Date(Date.UTC(2024, 0, 1) + r.int(0, 700) * 86_400_000 + r.int(0, 86_399) * 1000);
    const later = (d: Date) => new Date(d.getTime() + r.int(0, 15) * 86_400_000 + r.int(0, 86_399) * 1000).toISOString();
    const anyUnit = () => r.pick(units);
    const counted: Record<string, number> = {};
    const succeeded: Record<string, number> = {};
    let current = '';
    const tryWrite = async (...args: Parameters<typeof refusable>) => {
      const data = await refusable(...args);
      if (data) succeeded[current] = (succeeded[current] ?? 0) + 1;
      return data;
    };

    const ops: Record<string, () => Promise<unknown>> = {
      async ingestEvents() {
        const rows = Array.from({ length: r.int(1, 25) }, (_, i) => {
          const kind = r.pick(KINDS);
          const at = day();
          const replied = !['INTERVIEW', 'SURVEY'].includes(kind) && r.chance(0.6);
          return {
            unitCode: anyUnit().code,
            kind,
            channel: 'PORTAL',
            subject: `s${i}`,
            receivedAt: at.toISOString(),
            ...(replied ? { repliedAt: later(at), reply: 'ok' } : {}),
            ...(!replied && r.chance(0.1) ? { status: 'INVALID', statusReason: 'spam' } : {}),
          };
        });
        const data = await tryWrite(t, `mutation($k: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "${TENANT}", idempotencyKey: $k, rows: $rows) { ids } }`, { k: `k${r.next()}`, rows });
        if (data) events.push(...data.ingestInteractions.ids);
      },
      async createEvent() {
        const data = await tryWrite(t, `mutation($u: ID!, $k: InteractionKind!, $at: DateTime!) { createInteraction(input: { tenant: "${TENANT}", unitId: $u, kind: $k, channel: WECHAT, subject: "x", receivedAt: $at }) { id } }`, { u: anyUnit().id, k: r.pick(KINDS), at: day().toISOString() });
        if (data) events.push(data.createInteraction.id);
      },
      async reply() {
        if (!events.length) return;
        await tryWrite(t, `mutation($id: ID!, $at: DateTime!) { replyInteraction(id: $id, repliedAt: $at, reply: "r") { id } }`, { id: r.pick(events), at: later(day()) });
      },
      async invalidate() {
        if (events.length) await tryWrite(t, `mutation($id: ID!) { invalidateInteraction(id: $id, reason: "invalid") { id } }`, { id: r.pick(events) });
      },
      async duplicate() {
        if (events.length > 1) await tryWrite(t, `mutation($id: ID!, $of: ID!) { markDuplicateInteraction(id: $id, duplicateOfId: $of) { id } }`, { id: r.pick(events), of: r.pick(events) });
      },
      async reopen() {
        if (events.length) await tryWrite(t, `mutation($id: ID!) { reopenInteraction(id: $id) { id } }`, { id: r.pick(events) });
      },
      async deleteEvent() {
        if (!events.length) return;
        const id = r.pick(events);
        if (await tryWrite(t, `mutation($id: ID!) { deleteInteraction(id: $id) }`, { id })) events.splice(events.indexOf(id), 1);
      },
      async ingestItems() {
        const rows = Array.from({ length: r.int(1, 15) }, (_, i) => ({
          unitCode: anyUnit().code,
          title: `t${i}`,
          categoryCode: r.pick(CATEGORIES),
          channels: [...new Set([r.pick(CHANNELS), r.pick(CHANNELS)])],
          ...(r.chance(0.8) ? { status: 'PUBLISHED', publishedAt: day().toISOString() } : {}),
          ...(r.chance(0.2) ? { specialColumn: '信息公开专栏' } : {}),
        }));
        const data = await tryWrite(t, `mutation($k: String!, $rows: [DisclosureIngestRow!]!) { ingestDisclosures(tenant: "${TENANT}", idempotencyKey: $k, rows: $rows) { accepted } }`, { k: `d${r.next()}`, rows });
        if (!data) return;
        // The ingest answers counts, not ids: take the newest items of the tenant.
        const list = await gqlData(t, `{ disclosureItems(filter: { tenant: "${TENANT}" }, first: 500) { edges { node { id status } } } }`);
        for (const e of list.disclosureItems.edges) if (!items.some((i) => i.id === e.node.id)) items.push(e.node);
      },
      async publishFlow() {
        const data = await tryWrite(t, `mutation($u: ID!, $c: String!) { createDisclosureItem(input: { tenant: "${TENANT}", unitId: $u, title: "p", categoryCode: $c, channels: [DEPARTMENT_PORTAL, WECHAT] }) { id } }`, { u: anyUnit().id, c: r.pick(CATEGORIES) });
        if (!data) return;
        const id = data.createDisclosureItem.id;
        items.push({ id, status: 'DRAFT' });
        await tryWrite(t, `mutation($id: ID!) { submitDisclosureItem(id: $id, reviewer: "a") { id } }`, { id });
        await tryWrite(t, `mutation($id: ID!) { reviewDisclosureItem(id: $id, input: { step: OFFICE_REVIEW, decision: APPROVED, reviewer: "b" }) { id } }`, { id });
        await tryWrite(t, `mutation($id: ID!, $at: DateTime) { publishDisclosureItem(id: $id, reviewer: "c", publishedAt: $at) { id } }`, { id, at: day().toISOString() });
      },
      async withdraw() {
        if (items.length) await tryWrite(t, `mutation($id: ID!) { withdrawDisclosureItem(id: $id, reviewer: "w", note: "n") { id } }`, { id: r.pick(items).id });
      },
      async deleteItem() {
        if (!items.length) return;
        const item = r.pick(items);
        // A published item must be withdrawn first.
        await refusable(t, `mutation($id: ID!) { withdrawDisclosureItem(id: $id, reviewer: "w", note: "n") { id } }`, { id: item.id });
        if (await tryWrite(t, `mutation($id: ID!) { deleteDisclosureItem(id: $id) }`, { id: item.id })) items.splice(items.indexOf(item), 1);
      },
      async application() {
        const data = await tryWrite(t, `mutation($u: ID!, $at: DateTime!) { createDisclosureApplication(input: { tenant: "${TENANT}", unitId: $u, applicantType: CITIZEN, applicantName: "张三", channel: ONLINE, subject: "s", receivedAt: $at }) { id } }`, { u: anyUnit().id, at: day().toISOString() });
        if (data) apps.push(data.createDisclosureApplication.id);
      },
      async decide() {
        if (apps.length) await tryWrite(t, `mutation($id: ID!, $at: DateTime!, $o: ApplicationOutcome!, $fee: Float) { decideDisclosureApplication(id: $id, input: { decidedAt: $at, outcome: $o, feeCharged: $fee }) { id } }`, { id: r.pick(apps), at: later(day()), o: r.pick(OUTCOMES), fee: r.chance(0.2) ? 12.5 : 0 });
      },
      async extendOrWithdrawApplication() {
        const at = day();
        const data = await refusable(t, `mutation($u: ID!, $at: DateTime!) { createDisclosureApplication(input: { tenant: "${TENANT}", unitId: $u, applicantType: LEGAL_PERSON, applicantName: "某公司", channel: LETTER, subject: "s", receivedAt: $at }) { id } }`, { u: anyUnit().id, at: at.toISOString() });
        if (!data) return;
        const id = data.createDisclosureApplication.id;
        apps.push(id);
        const next = new Date(at.getTime() + 86_400_000).toISOString();
        if (r.chance(0.5)) await tryWrite(t, `mutation($id: ID!, $at: DateTime!) { extendDisclosureApplication(id: $id, at: $at, reason: "complex") { id } }`, { id, at: next });
        else await tryWrite(t, `mutation($id: ID!, $at: DateTime!) { withdrawDisclosureApplication(id: $id, at: $at) { id } }`, { id, at: next });
      },
      async dispute() {
        const data = await tryWrite(t, `mutation($u: ID!, $at: DateTime!, $k: DisputeKind!) { fileDisclosureDispute(input: { tenant: "${TENANT}", unitId: $u, kind: $k, filedAt: $at }) { id } }`, { u: anyUnit().id, at: day().toISOString(), k: r.pick(['RECONSIDERATION', 'LAWSUIT']) });
        if (data) disputes.push(data.fileDisclosureDispute.id);
        else if (disputes.length) await tryWrite(t, `mutation($id: ID!, $at: DateTime!) { concludeDisclosureDispute(id: $id, concludedAt: $at, outcome: UPHELD) { id } }`, { id: r.pick(disputes), at: later(day()) });
      },
      async centre() {
        const choice = r.int(0, 3);
        if (choice === 0 || !centres.length) {
          const data = await tryWrite(t, `mutation($u: ID!, $on: LocalDate) { createCentre(input: { unitId: $u, kind: STATION, name: "站", openedOn: $on, onlineHallUrl: "https://hall.example.cn/" }) { id } }`, { u: anyUnit().id, on: r.chance(0.8) ? day().toISOString().slice(0, 10) : null });
          if (data) centres.push(data.createCentre.id);
        } else if (choice === 1) await tryWrite(t, `mutation($id: ID!) { closeCentre(id: $id) { id } }`, { id: r.pick(centres) });
        else if (choice === 2) await tryWrite(t, `mutation($id: ID!, $on: LocalDate) { updateCentre(id: $id, input: { openedOn: $on, status: ACTIVE }) { id } }`, { id: r.pick(centres), on: day().toISOString().slice(0, 10) });
        else {
          const id = r.pick(centres);
          if (await tryWrite(t, `mutation($id: ID!) { deleteCentre(id: $id) }`, { id })) centres.splice(centres.indexOf(id), 1);
        }
      },
      async officer() {
        if (r.chance(0.3) && officers.length) {
          await tryWrite(t, `mutation($id: ID!) { deactivateOfficer(id: $id) { id } }`, { id: r.pick(officers) });
          return;
        }
        if (r.chance(0.3)) {
          await tryWrite(t, `mutation($u: ID!) { setResponsibleDepartment(unitId: $u, department: "办公室", designatedAt: "2024-01-02") { responsibleDepartment } }`, { u: anyUnit().id });
          return;
        }
        const data = await tryWrite(t, `mutation($u: ID!) { addOfficer(input: { unitId: $u, name: "李四", role: OFFICER }) { id } }`, { u: anyUnit().id });
        if (data) officers.push(data.addOfficer.id);
      },
      async move() {
        const unit = r.pick(units.filter((u) => u.level === 'SCHOOL' || u.level === 'COUNTY'));
        const parents = units.filter((u) => (unit.level === 'SCHOOL' ? u.level === 'COUNTY' || u.level === 'CITY' : u.level === 'CITY' || u.level === 'PROVINCE'));
        await tryWrite(t, `mutation($id: ID!, $p: ID!) { moveUnit(id: $id, parentId: $p) { id } }`, { id: unit.id, p: r.pick(parents).id });
      },
    };
    const weights: [string, number][] = [
      ['ingestEvents', 8], ['createEvent', 4], ['reply', 8], ['invalidate', 4], ['duplicate', 2], ['reopen', 3], ['deleteEvent', 3],
      ['ingestItems', 5], ['publishFlow', 3], ['withdraw', 3], ['deleteItem', 2],
      ['application', 3], ['decide', 3], ['extendOrWithdrawApplication', 2], ['dispute', 2],
      ['centre', 5], ['officer', 3], ['move', 4],
    ];
    const total = weights.reduce((s, [, w]) => s + w, 0);
    const pickOp = () => {
      let x = r.next() * total;
      for (const [name, w] of weights) if ((x -= w) < 0) return name;
      return weights[0][0];
    };
    for (let i = 0; i < OPS; i++) {
      const name = pickOp();
      counted[name] = (counted[name] ?? 0) + 1;
      current = name;
      await ops[name]();
      if ((i + 1) % 100 === 0) expect({ after: i + 1, seed: SEED, differences: await rollupDifferences(t, Number(TENANT)) }).toEqual({ after: i + 1, seed: SEED, differences: [] });
    }
    expect(await rollupDifferences(t, Number(TENANT))).toEqual([]);
    // Every kind of write ran, and took effect at least once (refusals of illegal steps are expected too).
    for (const [name] of weights) expect({ name, succeeded: (succeeded[name] ?? 0) > 0 }).toEqual({ name, succeeded: true });
    if (process.env.ROLLUP_TEST_VERBOSE) console.log({ seed: SEED, counted, succeeded });

    // The API's figures equal counts over the raw rows, for the province and a sample of units, both scopes.
    const sample = [units.find((u) => u.level === 'PROVINCE')!, ...Array.from({ length: 6 }, anyUnit)];
    for (const u of sample) {
      for (const own of [false, true]) {
        const field = own ? 'own' : 'stats';
        const stats = await gqlData(t, `{ unit(id: "${u.id}") { s: ${field}(period: { from: "2024-03-01", to: "2025-08-31" }) { interactions { received replied invalid } disclosures { published } applications { received } } } }`);
        const raw = await gqlData(t, `{
          e: interactions(filter: { unitId: "${u.id}", subtree: ${!own}, receivedFrom: "2024-03-01", receivedTo: "2025-08-31" }, first: 0) { totalCount }
          r: interactions(filter: { unitId: "${u.id}", subtree: ${!own}, receivedFrom: "2024-03-01", receivedTo: "2025-08-31", status: REPLIED }, first: 0) { totalCount }
          i: interactions(filter: { unitId: "${u.id}", subtree: ${!own}, receivedFrom: "2024-03-01", receivedTo: "2025-08-31", status: INVALID }, first: 0) { totalCount }
          d: disclosureItems(filter: { unitId: "${u.id}", subtree: ${!own}, status: PUBLISHED, publishedFrom: "2024-03-01", publishedTo: "2025-08-31" }, first: 0) { totalCount }
          a: disclosureApplications(filter: { unitId: "${u.id}", subtree: ${!own}, receivedFrom: "2024-03-01", receivedTo: "2025-08-31" }, first: 0) { totalCount }
        }`);
        const s = stats.unit.s;
        expect({ unit: u.code, own, received: s.interactions.received, replied: s.interactions.replied, invalid: s.interactions.invalid, published: s.disclosures.published, applications: s.applications.received }).toEqual({
          unit: u.code, own, received: raw.e.totalCount, replied: raw.r.totalCount, invalid: raw.i.totalCount, published: raw.d.totalCount, applications: raw.a.totalCount,
        });
      }
    }
    // And the tenant did change: the test is not comparing empty tables.
    const province = sample[0];
    const figures = await gqlData(t, `{ unit(id: "${province.id}") { stats(period: { from: "2024-01-01", to: "2025-12-31" }) { interactions { received } } } }`);
    expect(figures.unit.stats.interactions.received).toBeGreaterThan(100);
    expect((await gql(t, '{ __typename }')).status).toBe(200);
  }, 600_000);
});
