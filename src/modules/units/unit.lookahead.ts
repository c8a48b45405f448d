import { FieldNode, getArgumentValues, GraphQLObjectType, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { UnitLevel } from './unit.enums';

/**
 * One level of a walk down the hierarchy: the units of `level` (null: any) below the previous
 * level, and whether the query reads their `name` and `kind` (the other columns a unit needs —
 * tenant, id, code, level, parent, path, depth — are always read; the timestamps never are).
 */
export interface WalkStep {
  level: UnitLevel | null;
  name: boolean;
  kind: boolean;
}

/** At most this many levels are read by one statement (province → city → county → school). */
export const MAX_WALK_STEPS = 4;

export const planKey = (plan: readonly WalkStep[]) => plan.map((s) => `${s.level ?? '*'}${s.name ? 'n' : ''}${s.kind ? 'k' : ''}`).join('/');

/**
 * The levels a `children` field walks: its own level, then the level of the `children` field
 * selected under it, and so on, as long as each level selects exactly one `children` field (one
 * response key). The children loader reads every level of the plan with one statement and primes
 * the loads of the levels below, so a dashboard's tree costs one statement, not one per level.
 * Memoized per field of a query (graphql-js hands every parent the same fieldNodes array).
 */
export function childrenPlan(info: GraphQLResolveInfo, level: UnitLevel | null): WalkStep[] {
  let byLevel = memo.get(info.fieldNodes);
  if (!byLevel) memo.set(info.fieldNodes, (byLevel = new Map()));
  const k = level ?? '*';
  let plan = byLevel.get(k);
  if (!plan) byLevel.set(k, (plan = buildPlan(info, level)));
  return plan;
}

const memo = new WeakMap<readonly FieldNode[], Map<string, WalkStep[]>>();

function buildPlan(info: GraphQLResolveInfo, level: UnitLevel | null): WalkStep[] {
  const unitType = info.parentType as GraphQLObjectType;
  const childrenDef = unitType.getFields()['children'];
  const plan: WalkStep[] = [];
  let nodes: readonly FieldNode[] = info.fieldNodes;
  let stepLevel: UnitLevel | null = level;
  while (plan.length < MAX_WALK_STEPS) {
    const fields = collect(info, nodes, unitType.name);
    plan.push({ level: stepLevel, name: fields.some((f) => f.name.value === 'name'), kind: fields.some((f) => f.name.value === 'kind') });
    const nested = fields.filter((f) => f.name.value === 'children');
    const keys = new Set(nested.map((f) => (f.alias ?? f.name).value));
    if (!childrenDef || nested.length === 0 || keys.size !== 1) break;
    let args: { level?: UnitLevel | null };
    try {
      args = getArgumentValues(childrenDef, nested[0], info.variableValues) as typeof args;
    } catch {
      break; // a bad argument: the field's own resolution reports it
    }
    stepLevel = args.level ?? null;
    nodes = nested;
  }
  return plan;
}

/** The fields selected under `nodes` on the unit type (inline fragments and fragment spreads included). */
function collect(info: GraphQLResolveInfo, nodes: readonly FieldNode[], typeName: string): FieldNode[] {
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === 'Field') out.push(sel);
      else if (sel.kind === 'InlineFragment') {
        if (!sel.typeCondition || sel.typeCondition.name.value === typeName) walk(sel.selectionSet);
      } else if (sel.kind === 'FragmentSpread' && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = info.fragments[sel.name.value];
        if (frag && frag.typeCondition.name.value === typeName) walk(frag.selectionSet);
      }
    }
  };
  for (const n of nodes) walk(n.selectionSet);
  return out;
}
