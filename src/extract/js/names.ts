import { locateValue } from '../../text/source.js';
import type { Node, TSESTree } from './ast.js';
import { unwrapTs } from './fold.js';

/** The static name of a property key: `ssl`, `'ssl'`, `['ssl']`, `` [`ssl`] ``; undefined when computed. */
export function propertyKeyName(property: TSESTree.Property | TSESTree.PropertyDefinition): string | undefined {
  const key = property.key;
  if (!property.computed && key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The range of a name as written: an identifier, or a string key's text inside its quotes. */
export function nameRange(text: string, node: Node, name: string): { start: number; end: number } {
  const loc = locateValue(text, node.range[0], node.range[1], name);
  return { start: loc.start, end: loc.end };
}

/** `pg.Pool`, `tls.connect`, `Pool`; undefined for anything that is not a chain of static names. */
export function dottedName(node: Node): string | undefined {
  const n = unwrapTs(node);
  if (n.type === 'Identifier') return n.name;
  // `import.meta`, so that `import.meta.env.PROD` has a name.
  if (n.type === 'MetaProperty') return `${n.meta.name}.${n.property.name}`;
  if (n.type === 'MemberExpression') {
    const object = dottedName(n.object);
    if (object === undefined) return undefined;
    if (!n.computed && n.property.type === 'Identifier') return `${object}.${n.property.name}`;
    if (n.computed && n.property.type === 'Literal' && typeof n.property.value === 'string') return `${object}.${n.property.value}`;
  }
  return undefined;
}

export function isProcessEnv(node: Node): boolean {
  const name = dottedName(node);
  return name === 'process.env' || name === 'globalThis.process.env';
}

/** The member name of `obj.NAME`, `obj['NAME']`, with the range of the name as written. */
export function memberName(text: string, member: TSESTree.MemberExpression): { name: string; range: { start: number; end: number } } | undefined {
  const p = member.property;
  if (!member.computed && p.type === 'Identifier') return { name: p.name, range: { start: p.range[0], end: p.range[1] } };
  if (!member.computed) return undefined;
  if (p.type === 'Literal' && typeof p.value === 'string') return { name: p.value, range: nameRange(text, p, p.value) };
  if (p.type === 'TemplateLiteral' && p.expressions.length === 0 && p.quasis[0]?.value.cooked != null) {
    const name = p.quasis[0].value.cooked;
    return { name, range: nameRange(text, p, name) };
  }
  return undefined;
}
