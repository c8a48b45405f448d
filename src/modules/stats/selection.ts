import { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the selection under the resolved field asks for a field of this name at any depth
 * (fragments and inline fragments included). The figure resolvers use it to read only the rollup
 * groups a query needs: `overdue` needs the open events' deadlines, `byChannel` the channel rows.
 */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const sel of set.selections) {
      if (sel.kind === 'Field') {
        if (sel.name.value === name || walk(sel.selectionSet)) return true;
      } else if (sel.kind === 'InlineFragment') {
        if (walk(sel.selectionSet)) return true;
      } else if (sel.kind === 'FragmentSpread' && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        if (walk(info.fragments[sel.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((f: FieldNode) => walk(f.selectionSet));
}
