import { loadVisitorKeys, type Node } from './ast.js';

/** Children under these keys are types: no runtime values, and walking them only costs time. */
const TYPE_KEYS = new Set(['typeAnnotation', 'typeArguments', 'typeParameters', 'returnType', 'superTypeArguments']);
const TYPE_ONLY_NODES = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction']);

/**
 * Parent links, which typescript-estree's `parse` does not set. Filled as the walk goes; a handler
 * that follows a value to a later part of the file (a variable read further down) asks for a node
 * the walk has not reached yet, and then the rest of the tree is linked in one pass.
 */
export class Parents {
  private readonly map = new Map<Node, Node>();
  private complete = false;

  constructor(private readonly root?: Node) {}

  set(child: Node, parent: Node): void {
    this.map.set(child, parent);
  }

  of(node: Node): Node | undefined {
    const parent = this.map.get(node);
    if (parent || this.complete || !this.root || node === this.root) return parent;
    this.complete = true;
    link(this.root, this);
    return this.map.get(node);
  }
}

function link(root: Node, parents: Parents): void {
  const { visitorKeys, getKeys } = loadVisitorKeys();
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (TYPE_ONLY_NODES.has(node.type)) continue;
    for (const key of visitorKeys[node.type] ?? getKeys(node)) {
      if (TYPE_KEYS.has(key)) continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const item of value) {
          if (!isNode(item)) continue;
          parents.set(item, node);
          stack.push(item);
        }
      } else if (isNode(value)) {
        parents.set(value, node);
        stack.push(value);
      }
    }
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
