// Which module a name comes from: `import { Pool } from 'pg'`, `import pg from 'pg'` then
// `pg.Pool`, `const { Pool } = require('pg')`, `const pgp = require('pg-promise')()`,
// `import { Client } from 'https://deno.land/x/postgres@v0.19.3/mod.ts'`. A name bound to
// anything else (a local class, another package) is not a driver, whatever it is called.
import type { Node } from './ast.js';
import { unwrapTs } from './fold.js';
import type { Resolver } from './scope.js';

/** A value reached from a module's exports: `pg` → ['Pool']; `'()'` marks a call of the value before it. */
export interface ModuleOrigin {
  module: string;
  path: string[];
}

const MAX_DEPTH = 12;

/**
 * The package a module specifier names, without what varies between ecosystems: `node:tls` → `tls`,
 * `npm:pg@8.11.3` → `pg`, `jsr:@db/postgres@0.19` → `@db/postgres`, the deno.land URL of
 * deno-postgres → `deno-postgres`. Subpaths stay (`drizzle-orm/node-postgres`).
 */
export function normalizeModule(specifier: string): string {
  let s = specifier.trim();
  if (/^https?:\/\/deno\.land\/x\/postgres(@[^/]*)?\//.test(s)) return 'deno-postgres';
  if (s.startsWith('node:')) return s.slice(5);
  const registry = /^(npm|jsr):(.*)$/.exec(s);
  if (registry) {
    s = registry[2]!;
    // Strip the version: `@scope/name@1.2/sub` → `@scope/name/sub`, `name@1` → `name`.
    s = s.replace(/^(@[^/@]+\/[^/@]+|[^/@]+)@[^/]*/, '$1');
    if (registry[1] === 'jsr' && s === '@db/postgres') return 'deno-postgres';
  }
  return s;
}

function literalString(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrapTs(node);
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** `default` and the namespace are the same object for the CommonJS drivers (`import pg from 'pg'` ≡ `import * as pg`). */
function withPath(module: string, path: string[]): ModuleOrigin {
  return { module: normalizeModule(module), path: path[0] === 'default' ? path.slice(1) : path };
}

export function moduleOrigin(node: Node, resolver: Resolver, depth = 0): ModuleOrigin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unwrapTs(node);
  const next = (x: Node) => moduleOrigin(x, resolver, depth + 1);
  switch (n.type) {
    case 'Identifier': {
      const variable = resolver.variableOf(n);
      if (!variable || variable.defs.length !== 1) return undefined;
      const def = variable.defs[0]!;
      if (def.type === 'ImportBinding') {
        const spec = def.node as Node;
        if (spec.type === 'TSImportEqualsDeclaration') {
          const ref = spec.moduleReference;
          const module = ref.type === 'TSExternalModuleReference' ? literalString(ref.expression) : undefined;
          return module === undefined ? undefined : withPath(module, []);
        }
        const declaration = def.parent as Node | null;
        if (!declaration || declaration.type !== 'ImportDeclaration') return undefined;
        const module = declaration.source.value;
        if (spec.type === 'ImportDefaultSpecifier' || spec.type === 'ImportNamespaceSpecifier') return withPath(module, []);
        if (spec.type === 'ImportSpecifier') {
          const imported = spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
          return withPath(module, [imported]);
        }
        return undefined;
      }
      const alias = resolver.aliasOf(variable);
      if (!alias) return undefined;
      const base = next(alias.init);
      return base && { module: base.module, path: [...base.path, ...alias.path] };
    }
    case 'MemberExpression': {
      const key =
        !n.computed && n.property.type === 'Identifier' ? n.property.name : n.computed ? literalString(n.property) : undefined;
      if (key === undefined) return undefined;
      const base = next(n.object);
      return base && withPath(base.module, [...base.path, key]);
    }
    case 'CallExpression': {
      if (n.callee.type === 'Identifier' && n.callee.name === 'require' && resolver.isGlobal(n.callee)) {
        const module = literalString(n.arguments[0] as Node | undefined);
        return module === undefined ? undefined : withPath(module, []);
      }
      const base = next(n.callee);
      return base && { module: base.module, path: [...base.path, '()'] };
    }
    case 'NewExpression': {
      const base = next(n.callee);
      return base && { module: base.module, path: [...base.path, '()'] };
    }
    case 'ImportExpression': {
      const module = literalString(n.source);
      return module === undefined ? undefined : withPath(module, []);
    }
    case 'AwaitExpression':
      return next(n.argument);
    case 'ChainExpression':
      return next(n.expression);
    default:
      return undefined;
  }
}
