import { DocumentNode, FieldNode, Kind, OperationDefinitionNode, SelectionSetNode, valueFromASTUntyped } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Scope } from '../scope';
import type { DataVersions, VersionKey } from './versions';

/** Root fields whose answer lies inside the subtree of the unit named by this argument. */
const UNIT_ROOTED: Record<string, string> = {
  rankings: 'parentId',
  laggingUnits: 'parentId',
  inspection: 'parentId',
  timeSeries: 'unitId',
  annualReport: 'unitId',
};
/** Root fields that read only a tenant's settings, named by the `tenant` argument (a province code). */
const TENANT_SETTINGS = new Set(['calendarDays', 'disclosureCategories', 'replyRules', 'inspectionScheme', 'isWorkingDay', 'deadline']);
/** Root fields that read no stored data (the clock). */
const NO_DATA = new Set(['__typename', '__schema', '__type', 'today']);
/** Fields that leave a unit's subtree upwards: an answer using them depends on the whole tenant. */
const UPWARD = new Set(['parent', 'ancestors']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UnitPlace {
  tenantId: number;
  path: string;
  depth: number;
}

/**
 * Which data versions an operation's answer depends on, decided before it runs from its document
 * and variables (and memoized by the cache per key):
 * - a root field rooted at a unit (`unit(id|code)`, `rankings(parentId)`, `timeSeries(unitId)`,
 *   `annualReport`, `inspection`, `laggingUnits`) depends on that unit's depth-1 subtree and its
 *   tenant's settings (`b:` + `s:`), or on the whole tenant when the unit is a province;
 * - settings fields naming a tenant depend on its settings (`s:`);
 * - anything else, or a selection that climbs out of the subtree (`parent`, `ancestors`), depends
 *   on the caller's tenant, or on every tenant for the public.
 * A unit's place (tenant, path) is looked up once per process (one statement) and forgotten when
 * the hierarchy of its tenant changes (a move re-homes its subtree).
 */
export class DependencyAnalyser {
  private readonly places = new Map<string, UnitPlace[]>();

  constructor(private readonly versions: DataVersions) {
    versions.on('change', ({ bucket }: { bucket: string }) => {
      if (bucket === 's') this.places.clear();
    });
  }

  async analyse(em: EntityManager, scope: Scope, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Promise<VersionKey[]> {
    const coarse: VersionKey[] = [scope.tenantId !== null ? `t:${scope.tenantId}` : 'g'];
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
    if (climbs(operation.selectionSet, fragments, new Set())) return coarse;
    const keys = new Set<VersionKey>();
    for (const field of rootFields(operation.selectionSet, fragments)) {
      const name = field.name.value;
      if (NO_DATA.has(name)) continue;
      const args = Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]));
      if (TENANT_SETTINGS.has(name)) {
        const t = typeof args.tenant === 'string' ? this.versions.tenantIdByCode(args.tenant) : undefined;
        if (t === undefined) return coarse;
        keys.add(`s:${t}`);
        continue;
      }
      let places: UnitPlace[] | null = null;
      if (name === 'unit') places = await this.place(em, args.id, args.code, args.tenant);
      else if (UNIT_ROOTED[name]) places = await this.place(em, args[UNIT_ROOTED[name]], undefined, undefined);
      if (!places || places.length === 0) return coarse;
      for (const p of places) {
        if (p.depth === 0) keys.add(`t:${p.tenantId}`);
        else {
          keys.add(`b:${p.tenantId}:${p.path.split('/')[2]}`);
          keys.add(`s:${p.tenantId}`);
        }
      }
    }
    return [...keys].sort();
  }

  /** Where the unit named by id, or by code (and tenant code), lies; null when it cannot be told. */
  private async place(em: EntityManager, id: unknown, code: unknown, tenant: unknown): Promise<UnitPlace[] | null> {
    let sql: string;
    let params: unknown[];
    if (typeof id === 'string' && UUID.test(id)) {
      sql = 'select tenant_id, path, depth from org_unit where id = ?';
      params = [id];
    } else if (typeof code === 'string' && code.length <= 20) {
      const t = typeof tenant === 'string' ? this.versions.tenantIdByCode(tenant) : undefined;
      if (tenant !== undefined && tenant !== null && t === undefined) return null;
      sql = t === undefined ? 'select tenant_id, path, depth from org_unit where code = ?' : 'select tenant_id, path, depth from org_unit where code = ? and tenant_id = ?';
      params = t === undefined ? [code] : [code, t];
    } else return null;
    const memo = sql + ' ' + params.join(' ');
    const known = this.places.get(memo);
    if (known) return known;
    const rows = await em.getConnection().execute<{ tenant_id: number; path: string; depth: number }[]>(sql, params);
    const places = rows.map((r) => ({ tenantId: Number(r.tenant_id), path: r.path, depth: Number(r.depth) }));
    if (places.length > 0) {
      if (this.places.size > 50_000) this.places.clear();
      this.places.set(memo, places);
    }
    return places;
  }
}

function rootFields(set: SelectionSetNode, fragments: Map<string, SelectionSetNode>): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(s.selectionSet, fragments));
    else {
      const f = fragments.get(s.name.value);
      if (f) out.push(...rootFields(f, fragments));
    }
  }
  return out;
}

function climbs(set: SelectionSetNode, fragments: Map<string, SelectionSetNode>, seen: Set<string>): boolean {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (UPWARD.has(s.name.value)) return true;
      if (s.selectionSet && climbs(s.selectionSet, fragments, seen)) return true;
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (climbs(s.selectionSet, fragments, seen)) return true;
    } else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const f = fragments.get(s.name.value);
      if (f && climbs(f, fragments, seen)) return true;
    }
  }
  return false;
}
