// Python source parsed with @lezer/python (the grammar behind CodeMirror's Python mode): pure
// JavaScript, no native build, error-tolerant, offsets in UTF-16 code units like the rest of
// sslguard. Loaded on first use (a TS-only scan never loads it; the bundle keeps it in its own
// chunk). The lezer tree is turned into plain nodes with parents once per file: the analysis looks
// names up and climbs to callers many times, which a cursor does poorly.
import { createRequire } from 'node:module';
import type * as LezerPython from '@lezer/python';

const require = createRequire(import.meta.url);
let lezer: typeof LezerPython | undefined;

function loadParser(): typeof LezerPython {
  lezer ??= require('@lezer/python') as typeof LezerPython;
  return lezer;
}

/** Whether the parser module has been loaded in this process (for the lazy-loading test). */
export function pythonParserLoaded(): boolean {
  return lezer !== undefined;
}

export interface PyNode {
  /** The grammar's node name: `CallExpression`, `String`, `VariableName`, `(`, `⚠` for an error. */
  type: string;
  from: number;
  to: number;
  children: PyNode[];
  parent?: PyNode;
}

export interface PythonTree {
  root: PyNode;
  /** The first place the parser had to recover from a syntax error, if any. */
  errorAt?: number;
}

export function parsePython(text: string): PythonTree {
  const tree = loadParser().parser.parse(text);
  const root: PyNode = { type: 'Script', from: 0, to: text.length, children: [] };
  const stack: PyNode[] = [];
  let errorAt: number | undefined;
  const cursor = tree.cursor();
  // Depth-first with an explicit stack: deeply nested expressions must not exhaust the JS stack.
  for (;;) {
    const type = cursor.type.name;
    let node: PyNode;
    if (stack.length === 0) node = root;
    else {
      const parent = stack[stack.length - 1]!;
      node = { type, from: cursor.from, to: cursor.to, children: [], parent };
      parent.children.push(node);
      if (type === '⚠' && errorAt === undefined) errorAt = cursor.from;
    }
    if (cursor.firstChild()) {
      stack.push(node);
      continue;
    }
    while (!cursor.nextSibling()) {
      if (!cursor.parent()) return errorAt === undefined ? { root } : { root, errorAt };
      stack.pop();
    }
  }
}

/** Children that carry meaning (names and expressions), without punctuation, keywords, `=` and type annotations. */
export function named(node: PyNode): PyNode[] {
  return node.children.filter((c) => /^[A-Z]/.test(c.type) && c.type !== 'AssignOp' && c.type !== 'TypeDef');
}

/** Every node of the tree, parents before children. */
export function* descendants(node: PyNode): Generator<PyNode> {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
}
