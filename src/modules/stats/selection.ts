import { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the selection under the resolved field asks for a field of this name at any depth
 * (fragments and inline fragments included). The figure resolvers use it to read only the rollup
 * groups a query needs: `overdue` needs the open events' deadlines, `byChannel` the channel rows.
 */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  // graphql-js hands every element of a list the same fieldNodes array (and the answer depends on
  // them and their document only), so the walk runs once per field of a query, not once per unit.
  let answers = memo.get(info.fieldNodes);
  if (!answers) memo.set(info.fieldNodes, (answers = new Map()));
  let answer = answers.get(name);
  if (answer === undefined) answers.set(name, (answer = walkSelection(info, name)));
  return answer;
}

const memo = new WeakMap<readonly FieldNode[], Map<string, boolean>>();

function walkSelection(info: GraphQLResolveInfo, name: string): boolean {
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
