// What names mean in one Python module: imports (`import asyncpg as pg`, `from psycopg2 import
// connect`), simple assignments (`DATABASE_URL = os.getenv(…)`, class attributes of a settings
// class), call arguments and dict entries. Scope is the module: a name assigned in several places
// stands for every value it is given (a URL handed to a client through a local variable in one
// function and a module constant is still found), which can only add candidates, never invent them.
import { named, type PyNode } from './tree.js';

export interface ModuleNames {
  /** Local name → dotted module path (`pg` → `asyncpg`, `connect` → `psycopg2.connect`). */
  imports: Map<string, string>;
  /** Name → the expressions assigned to it (`NAME = expr`, `NAME: T = expr`). */
  assigned: Map<string, PyNode[]>;
}

/** Dotted name of `a.b.c` written as VariableName/`.` tokens inside an import statement. */
function importPath(tokens: PyNode[], text: string): string {
  return tokens.map((t) => (t.type === '.' ? '.' : text.slice(t.from, t.to))).join('');
}

function readImport(stmt: PyNode, text: string, imports: Map<string, string>): void {
  const kids = stmt.children;
  if (kids[0]?.type === 'from') {
    const at = kids.findIndex((k) => k.type === 'import');
    if (at < 0) return;
    const module = importPath(kids.slice(1, at), text);
    // Relative imports name modules of the project, never a client library.
    if (module.startsWith('.')) return;
    const rest = kids.slice(at + 1).filter((k) => k.type !== '(' && k.type !== ')');
    for (let i = 0; i < rest.length; i++) {
      const k = rest[i]!;
      if (k.type !== 'VariableName') continue;
      const name = text.slice(k.from, k.to);
      const alias = rest[i + 1]?.type === 'as' ? rest[i + 2] : undefined;
      imports.set(alias ? text.slice(alias.from, alias.to) : name, `${module}.${name}`);
      if (alias) i += 2;
    }
    return;
  }
  // import a.b.c [as d], e
  let group: PyNode[] = [];
  const flush = (alias?: PyNode): void => {
    if (group.length === 0) return;
    const path = importPath(group, text);
    if (alias) imports.set(text.slice(alias.from, alias.to), path);
    else {
      // `import psycopg2.pool` binds `psycopg2`; the dotted rest is reached through it.
      const first = path.split('.')[0]!;
      imports.set(first, first);
    }
    group = [];
  };
  for (let i = 1; i < kids.length; i++) {
    const k = kids[i]!;
    if (k.type === 'as') {
      flush(kids[i + 1]);
      i++;
    } else if (k.type === ',') flush();
    else group.push(k);
  }
  flush();
}

export function moduleNames(statements: Iterable<PyNode>, text: string): ModuleNames {
  const imports = new Map<string, string>();
  const assigned = new Map<string, PyNode[]>();
  for (const n of statements) {
    if (n.type === 'ImportStatement') readImport(n, text, imports);
    else if (n.type === 'AssignStatement') {
      const kids = named(n);
      // `a = b = value`: every target but the last expression gets the value.
      const value = kids[kids.length - 1];
      if (!value || kids.length < 2) continue;
      for (const target of kids.slice(0, -1)) {
        if (target.type !== 'VariableName') continue;
        const name = text.slice(target.from, target.to);
        const list = assigned.get(name) ?? [];
        list.push(value);
        assigned.set(name, list);
      }
    }
  }
  return { imports, assigned };
}

/** The dotted name an expression stands for through the imports (`pg.create_pool` → `asyncpg.create_pool`). */
export function qualifiedName(node: PyNode, text: string, names: ModuleNames): string | undefined {
  if (node.type === 'VariableName') {
    const name = text.slice(node.from, node.to);
    return names.imports.get(name) ?? name;
  }
  if (node.type === 'MemberExpression') {
    const [object, dot, property] = node.children;
    if (!object || dot?.type !== '.' || property?.type !== 'PropertyName') return undefined;
    const base = qualifiedName(object, text, names);
    return base === undefined ? undefined : `${base}.${text.slice(property.from, property.to)}`;
  }
  return undefined;
}

export interface CallArguments {
  positional: PyNode[];
  /** Keyword → the keyword's name node and its value. */
  keywords: Map<string, { name: PyNode; value: PyNode }>;
  /** `**kwargs` or `*args` passed on: arguments sslguard cannot see. */
  spread: boolean;
}

export function callArguments(call: PyNode, text: string): CallArguments {
  const out: CallArguments = { positional: [], keywords: new Map(), spread: false };
  const list = call.children.find((c) => c.type === 'ArgList');
  if (!list) return out;
  const kids = list.children.filter((c) => c.type !== '(' && c.type !== ')' && c.type !== ',');
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    if (k.type === '*' || k.type === '**') {
      out.spread = true;
      i++;
    } else if (k.type === 'VariableName' && kids[i + 1]?.type === 'AssignOp' && kids[i + 2]) {
      out.keywords.set(text.slice(k.from, k.to), { name: k, value: kids[i + 2]! });
      i += 2;
    } else if (/^[A-Z]/.test(k.type)) out.positional.push(k);
  }
  return out;
}

export interface DictEntry {
  key: PyNode;
  value: PyNode;
}

/** The `key: value` entries of a dict literal (`**spread` entries are skipped). */
export function dictEntries(dict: PyNode): DictEntry[] {
  const out: DictEntry[] = [];
  const kids = dict.children;
  for (let i = 0; i < kids.length; i++) {
    if (kids[i + 1]?.type === ':' && kids[i + 2]) {
      out.push({ key: kids[i]!, value: kids[i + 2]! });
      i += 2;
    }
  }
  return out;
}
