import { loadVisitorKeys, type Node } from './ast.js';

/** Children under these keys are types: no runtime values, and walking them only costs time. */
const TYPE_KEYS = new Set(['typeAnnotation', 'typeArguments', 'typeParameters', 'returnType', 'superTypeArguments']);
const TYPE_ONLY_NODES = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction']);

/** Parent links, which typescript-estree's `parse` does not set. Filled as the walk goes. */
export class Parents {
  private readonly map = new Map<Node, Node>();

  set(child: Node, parent: Node): void {
    this.map.set(child, parent);
  }

  of(node: Node): Node | undefined {
    return this.map.get(node);
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Visits every runtime node in source order, parents before children, so a handler on a parent
 * can claim a child (see SourceAnalysis.consumed) before the child is visited. Iterative: generated
 * or minified files nest deeper than the call stack allows.
 */
export function walk(root: Node, parents: Parents, enter: (node: Node) => void): void {
  const { visitorKeys, getKeys } = loadVisitorKeys();
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    enter(node);
    if (TYPE_ONLY_NODES.has(node.type)) continue;
    const keys = visitorKeys[node.type] ?? getKeys(node);
    const children: Node[] = [];
    for (const key of keys) {
      if (TYPE_KEYS.has(key)) continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) children.push(item);
      } else if (isNode(value)) children.push(value);
    }
    for (let i = children.length - 1; i >= 0; i--) {
      parents.set(children[i]!, node);
      stack.push(children[i]!);
    }
  }
}
