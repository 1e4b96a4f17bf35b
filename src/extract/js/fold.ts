// A small constant folder: enough to read `false`, `'TLSv1'`, `!1`, `!!false`, `void 0`,
// `'0' as const`, and values that flow through `const` bindings and object properties
// (`const opts = { rejectUnauthorized: off }`). Anything that depends on run time (a call, an
// environment variable, a parameter) is unknown.
import type { LiteralValue } from '../../model.js';
import type { Node, TSESTree } from './ast.js';
import { propertyKeyName } from './names.js';
import type { Resolver } from './scope.js';

export const UNKNOWN: { unknown: true } = { unknown: true };

/** A folded value; `undefined` is JavaScript's undefined (`undefined`, `void 0`). */
export type Folded = LiteralValue | undefined;

/** How far a value is followed through bindings: enough for real code, bounded for cycles (`const a = b, b = a`). */
const MAX_DEPTH = 12;

export function isKnown(value: Folded): value is string | number | boolean | null | undefined {
  return value === undefined || value === null || typeof value !== 'object';
}

/** `undefined` and `null` both mean "not set" to tls, https and pg options, and the model has only null. */
export function toLiteralValue(value: Folded): LiteralValue {
  return value === undefined ? null : value;
}

/** Strips TypeScript-only wrappers: `x as T`, `x satisfies T`, `x!`, `<T>x`. */
export function unwrapTs(node: Node): Node {
  let n = node;
  while (n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'TSNonNullExpression' || n.type === 'TSTypeAssertion') {
    n = n.expression;
  }
  return n;
}

/**
 * The node a name or property chain stands for (`opts` → its `{ … }`, `config.ssl` → the `ssl`
 * property's value); the node itself when it is not a name. Undefined when it cannot be followed.
 */
export function resolveNode(node: Node, resolver: Resolver | undefined, depth = 0): Node | undefined {
  const n = unwrapTs(node);
  if (depth > MAX_DEPTH) return undefined;
  if (n.type === 'Identifier') {
    if (!resolver || n.name === 'undefined') return n;
    const variable = resolver.variableOf(n);
    const alias = variable && resolver.aliasOf(variable);
    if (!alias) return undefined;
    let target: Node | undefined = resolveNode(alias.init, resolver, depth + 1);
    for (const key of alias.path) target = target && propertyOf(target, key, resolver, depth + 1);
    return target;
  }
  if (n.type === 'MemberExpression') {
    const key = memberKey(n);
    const object = key === undefined ? undefined : resolveNode(n.object, resolver, depth + 1);
    return object && propertyOf(object, key!, resolver, depth + 1);
  }
  return n;
}

function memberKey(n: TSESTree.MemberExpression): string | undefined {
  if (!n.computed && n.property.type === 'Identifier') return n.property.name;
  if (n.computed && n.property.type === 'Literal' && (typeof n.property.value === 'string' || typeof n.property.value === 'number')) return String(n.property.value);
  return undefined;
}

/**
 * The value node of `key` in an object literal, as JavaScript would see it: the last property of
 * that name wins, and a spread after it may override it (then the value is unknown).
 */
function propertyOf(object: Node, key: string, resolver: Resolver | undefined, depth: number): Node | undefined {
  if (object.type !== 'ObjectExpression') return undefined;
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const p = object.properties[i]!;
    if (p.type === 'SpreadElement') {
      const spread = resolveNode(p.argument, resolver, depth + 1);
      const inner = spread && propertyOf(spread, key, resolver, depth + 1);
      if (inner) return inner;
      // A spread that cannot be read may set the key.
      if (!spread || spread.type !== 'ObjectExpression') return undefined;
      continue;
    }
    if (p.kind === 'init' && !p.method && propertyKeyName(p) === key) return resolveNode(p.value as Node, resolver, depth + 1);
  }
  return undefined;
}

export function fold(node: Node | null | undefined, resolver?: Resolver, depth = 0): Folded {
  if (!node || depth > MAX_DEPTH) return UNKNOWN;
  const n = unwrapTs(node);
  const next = (x: Node | null | undefined) => fold(x, resolver, depth + 1);
  switch (n.type) {
    case 'Literal':
      if ('regex' in n || 'bigint' in n) return UNKNOWN;
      return n.value as string | number | boolean | null;
    case 'Identifier':
    case 'MemberExpression': {
      if (n.type === 'Identifier' && n.name === 'undefined' && (!resolver || resolver.isGlobal(n))) return undefined;
      if (!resolver) return UNKNOWN;
      const target = resolveNode(n, resolver, depth + 1);
      return target && target !== n ? next(target) : UNKNOWN;
    }
    case 'TemplateLiteral': {
      let out = '';
      for (let i = 0; i < n.quasis.length; i++) {
        const cooked = n.quasis[i]!.value.cooked;
        if (cooked == null) return UNKNOWN;
        out += cooked;
        const expression = n.expressions[i];
        if (expression) {
          const v = next(expression);
          if (!isKnown(v)) return UNKNOWN;
          out += String(v);
        }
      }
      return out;
    }
    case 'UnaryExpression': {
      if (n.operator === 'void') return undefined;
      const arg = next(n.argument);
      if (!isKnown(arg)) return UNKNOWN;
      if (n.operator === '!') return !arg;
      if (n.operator === '-' && typeof arg === 'number') return -arg;
      return UNKNOWN;
    }
    case 'LogicalExpression': {
      const left = next(n.left);
      if (!isKnown(left)) return UNKNOWN;
      if (n.operator === '??') return left === null || left === undefined ? next(n.right) : left;
      if (n.operator === '||') return left ? left : next(n.right);
      return left ? next(n.right) : left;
    }
    case 'ConditionalExpression': {
      const test = next(n.test);
      if (isKnown(test)) return next(test ? n.consequent : n.alternate);
      const a = next(n.consequent);
      const b = next(n.alternate);
      return isKnown(a) && isKnown(b) && a === b ? a : UNKNOWN;
    }
    case 'BinaryExpression': {
      if (n.left.type === 'PrivateIdentifier') return UNKNOWN;
      const a = next(n.left);
      const b = next(n.right);
      if (!isKnown(a) || !isKnown(b)) return UNKNOWN;
      switch (n.operator) {
        case '===':
          return a === b;
        case '!==':
          return a !== b;
        case '==':
          // eslint-disable-next-line eqeqeq -- JavaScript's own loose equality is what the code means.
          return a == b;
        case '!=':
          // eslint-disable-next-line eqeqeq
          return a != b;
        case '+':
          return typeof a === 'string' || typeof b === 'string' ? String(a) + String(b) : typeof a === 'number' && typeof b === 'number' ? a + b : UNKNOWN;
        default:
          return UNKNOWN;
      }
    }
    case 'CallExpression': {
      // `String(0)`, `Boolean(0)`: conversions people write around literals.
      if (n.callee.type !== 'Identifier' || n.arguments.length !== 1 || (resolver && !resolver.isGlobal(n.callee))) return UNKNOWN;
      const arg = n.arguments[0]!;
      if (arg.type === 'SpreadElement') return UNKNOWN;
      const v = next(arg);
      if (!isKnown(v)) return UNKNOWN;
      if (n.callee.name === 'String') return String(v);
      if (n.callee.name === 'Boolean') return Boolean(v);
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}
