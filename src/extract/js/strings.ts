// String and template literals may hold connection strings anywhere in code.
import { locateValue, type ValueLocation } from '../../text/source.js';
import type { Node, TSESTree } from './ast.js';
import { TS_WRAPPERS, type NodeHandlers, type SourceAnalysis } from './analysis.js';
import { dottedName, propertyKeyName } from './names.js';
import { flowOf } from './receivers.js';
import { findConnectionStrings } from '../../connection/find.js';
import { environmentOfVariable, pickEnvironment } from '../../policy/environment.js';

/** The name a value is stored under: the property key, variable, assigned member or parameter. */
export function holderName(node: Node, analysis: SourceAnalysis): string | undefined {
  let current = node;
  let parent = analysis.parents.of(current);
  // Through wrappers and the sides of a choice: `const DATABASE_URL = prod ? a : b`, `env.X || a`.
  while (parent && (TS_WRAPPERS.has(parent.type) || (parent.type === 'ConditionalExpression' && parent.test !== current) || parent.type === 'LogicalExpression')) {
    current = parent;
    parent = analysis.parents.of(current);
  }
  if (!parent) return undefined;
  switch (parent.type) {
    case 'Property':
    case 'PropertyDefinition':
      return parent.value === current ? propertyKeyName(parent) : undefined;
    case 'VariableDeclarator':
      return parent.init === current && parent.id.type === 'Identifier' ? parent.id.name : undefined;
    case 'AssignmentExpression':
    case 'AssignmentPattern':
      return parent.right === current ? lastSegment(parent.left) : undefined;
    case 'JSXAttribute':
      return parent.name.type === 'JSXIdentifier' ? parent.name.name : undefined;
    default:
      return undefined;
  }
}

/**
 * Whether the value is part of what the module exports (`export const url = '…'`,
 * `export default { db: { url } }`, `module.exports = { … }`): configuration another file hands a client.
 */
function exported(node: Node, analysis: SourceAnalysis): boolean {
  let current: Node = node;
  for (let parent = analysis.parents.of(current); parent; current = parent, parent = analysis.parents.of(current)) {
    if (TS_WRAPPERS.has(parent.type) || parent.type === 'ObjectExpression' || parent.type === 'ArrayExpression' || parent.type === 'LogicalExpression') continue;
    if (parent.type === 'ConditionalExpression' && parent.test !== current) continue;
    if (parent.type === 'Property' && parent.value === current) continue;
    if (parent.type === 'ExportDefaultDeclaration') return true;
    if (parent.type === 'VariableDeclarator' && parent.init === current) {
      const declaration = analysis.parents.of(parent);
      return declaration !== undefined && analysis.parents.of(declaration)?.type === 'ExportNamedDeclaration';
    }
    if (parent.type === 'AssignmentExpression' && parent.right === current) {
      const target = dottedName(parent.left);
      return target !== undefined && (target === 'module.exports' || target.startsWith('module.exports.') || target.startsWith('exports.'));
    }
    return false;
  }
  return false;
}

function lastSegment(node: Node): string | undefined {
  const name = dottedName(node);
  return name?.slice(name.lastIndexOf('.') + 1);
}

function isModuleSource(node: Node, parent: Node | undefined): boolean {
  if (!parent) return false;
  return (
    ((parent.type === 'ImportDeclaration' || parent.type === 'ExportAllDeclaration' || parent.type === 'ExportNamedDeclaration') && parent.source === node) ||
    (parent.type === 'ImportExpression' && parent.source === node)
  );
}

function emit(value: string, loc: ValueLocation, node: Node, analysis: SourceAnalysis): void {
  // Following the value through the file costs a scope analysis: only for strings that hold a connection string.
  if (findConnectionStrings(value).length === 0) return;
  const variable = holderName(node, analysis);
  const flow = flowOf(node, analysis);
  // A string in code is a connection only where a client reads it: a driver call, an exported
  // configuration a client reads, or a variable named for a database URL. An assertion's input, a
  // mock or an error message's example is data.
  if (!flow.api && (analysis.sink.testCode || !(exported(node, analysis) || (variable !== undefined && DATABASE_URL_NAME.test(variable.replace(/[_-]/g, '')))))) return;
  analysis.sink.value(value, loc, {
    unit: analysis.unit,
    ...(variable !== undefined ? { variable } : {}),
    ...(flow.consumer !== undefined ? { consumer: flow.consumer } : {}),
    ...(flow.environment ? { environment: pickEnvironment(analysis.sink.fileEnvironment, variable ? environmentOfVariable(variable) : undefined, flow.environment) } : {}),
  });
}

/** `DATABASE_URL`, `databaseUrl`, `PG_DSN`, `connectionString`, `SUPABASE_DB_URL`, `dsn`. */
const DATABASE_URL_NAME = /^(?:[a-z0-9]*?(?:database|db|postgres|postgresql|pg|supabase|neon|pooler)(?:url|uri|dsn|connectionstring|connstring|connectionuri)|connectionstring|connstring|dsn)$/i;

/** An interpolation kept as written: a name or a property path (`${host}`, `${config.db.host}`). */
const SIMPLE_EXPRESSION = /^[\w$.]+$/;

function onLiteral(node: TSESTree.Literal, analysis: SourceAnalysis): void {
  if (typeof node.value !== 'string' || analysis.consumed.has(node)) return;
  const parent = analysis.parents.of(node);
  if (parent?.type === 'Property' && parent.key === node) return;
  if (isModuleSource(node, parent)) return;
  const text = analysis.sink.text;
  emit(node.value, locateValue(text, node.range[0], node.range[1], node.value), node, analysis);
}

/**
 * The whole template, with every `${…}` kept as written: a URL built as
 * `postgresql://${user}:${password}@${host}/app?sslmode=disable` still parses, its interpolated
 * parts read as references, and its sslmode is found — split per quasi it would be neither.
 */
function onTemplate(node: TSESTree.TemplateLiteral, analysis: SourceAnalysis): void {
  if (analysis.consumed.has(node)) return;
  const text = analysis.sink.text;
  const [start, end] = node.range;
  const verbatim = node.quasis.every((q) => q.value.cooked === q.value.raw);
  if (verbatim) {
    // Same length, so every position stays exact: `${c.ip("net")}` reads as the reference `${___________}`.
    let value = text.slice(start + 1, end - 1);
    for (const expression of node.expressions) {
      const [s, e] = expression.range;
      if (!SIMPLE_EXPRESSION.test(text.slice(s, e))) value = value.slice(0, s - start - 1) + '_'.repeat(e - s) + value.slice(e - start - 1);
    }
    emit(value, { start: start + 1, end: end - 1, exact: true }, node, analysis);
    return;
  }
  let value = '';
  node.quasis.forEach((q, i) => {
    value += q.value.cooked ?? q.value.raw;
    const expression = node.expressions[i];
    // An interpolation is an unknown value at a known place, whatever it holds: `${c.ip("net")}`
    // must not end the host at its `(` or hide the `?sslmode=` after it.
    if (expression) {
      const source = text.slice(expression.range[0], expression.range[1]);
      value += '${' + (SIMPLE_EXPRESSION.test(source) ? source : 'expression') + '}';
    }
  });
  emit(value, { start, end, exact: false }, node, analysis);
}

export const stringHandlers: NodeHandlers = {
  Literal: onLiteral,
  TemplateLiteral: onTemplate,
};
