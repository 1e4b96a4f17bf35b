// Object literals that configure TLS: `{ rejectUnauthorized: false }`, `{ ssl: false }`,
// `{ minVersion: 'TLSv1' }`, Deno's `tls: { enforce: false }`. One fact per object, with the
// driver that receives it; rules point at the offending property. A property whose value depends on
// the environment (`rejectUnauthorized: isProd`) also yields one fact per side, tagged with it.
import type { EnvironmentInfo, TlsOption, TlsOptionsFact } from '../../model.js';
import { pickEnvironment } from '../../policy/environment.js';
import type { Node, TSESTree } from './ast.js';
import { TS_WRAPPERS, type NodeHandlers, type SourceAnalysis } from './analysis.js';
import { usesOnlyOtherClients } from './drivers.js';
import { fold, isKnown, resolveNode, toLiteralValue, unwrapTs } from './fold.js';
import { dottedName, propertyKeyName } from './names.js';
import { flowOf, type Flow } from './receivers.js';
import { branchEnvironment, valueBranches } from './environments.js';
import { functionReturns } from './functions.js';
import { envDefault } from './env-defaults.js';
import { unreadTls, type Unread } from './tls-precedence.js';

export const TLS_OPTION_KEYS = new Set(['rejectUnauthorized', 'ssl', 'sslmode', 'minVersion', 'maxVersion', 'secureProtocol', 'ca', 'checkServerIdentity']);

/** Keys that are TLS options only inside some driver's configuration (see DriverApi.tlsKeys). */
const DRIVER_KEYS = new Set(['enabled', 'enforce', 'caCertificates', 'require']);

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function optionOf(property: TSESTree.Property, analysis: SourceAnalysis): TlsOption {
  const { sink, resolver } = analysis;
  // `ssl: process.env.ALLOW_SELF_SIGNED === 'true' ? {…} : undefined`: what runs while the variable is unset.
  const unsetSide = property.kind === 'init' && !property.method ? unsetSideOf(property.value as Node, analysis) : undefined;
  const option: TlsOption = {
    value: property.method || property.kind !== 'init' ? { unknown: true } : toLiteralValue(fold((unsetSide ?? property.value) as Node, resolver)),
    span: sink.span(property.range[0], property.range[1]),
    valueSpan: sink.span(property.value.range[0], property.value.range[1]),
  };
  const fn = property.kind === 'init' ? resolveNode(property.value as Node, resolver) : undefined;
  if (fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression' || fn.type === 'FunctionDeclaration')) {
    const returns = functionReturns(fn, resolver);
    if (returns !== undefined) option.returns = returns;
  }
  return option;
}

function onObject(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): void {
  const candidates: Array<[string, TSESTree.Property]> = [];
  let generic = false;
  for (const property of node.properties) {
    if (property.type !== 'Property') continue;
    const name = propertyKeyName(property);
    if (name === undefined) continue;
    if (TLS_OPTION_KEYS.has(name)) generic = true;
    else if (!DRIVER_KEYS.has(name)) continue;
    candidates.push([name, property]);
  }
  if (candidates.length === 0) return;
  const flow = flowOf(node, analysis);
  if (!flow.api && !mayBePostgresTls(node, analysis)) return;
  const driverKeys = flow.api?.tlsKeys && samePath(flow.api.tlsKeys.path, flow.path) ? new Set(flow.api.tlsKeys.keys) : undefined;
  if (!generic && !driverKeys) return;

  const options: Record<string, TlsOption> = {};
  const sides: Array<{ name: string; property: TSESTree.Property }> = [];
  for (const [name, property] of candidates) {
    if (!TLS_OPTION_KEYS.has(name) && !driverKeys?.has(name)) continue;
    // Later duplicates win, as they do at run time.
    const option = optionOf(property, analysis);
    options[name] = option;
    if (!isKnown(option.value) && property.kind === 'init' && !property.method) sides.push({ name, property });
  }
  if (Object.keys(options).length === 0) return;
  const fallback = options.ssl && !isKnown(options.ssl.value) ? sslFallback(node, analysis) : undefined;
  const host = hostBeside(node, analysis);
  if (host && !options.host) options.host = host;
  const environment = environmentOf(flow, analysis);
  // `ssl` beside a connectionString with sslmode, TypeORM's `ssl` beside `extra.ssl`: set apart, not judged.
  const unread = unreadTls(node, flow, analysis);
  const push = (f: TlsOptionsFact): void => {
    analysis.sink.facts.push(unread ? setApart(f, unread) : f);
  };
  // An opt-in escape hatch (`process.env.ALLOW_SELF_SIGNED === 'true' ? { rejectUnauthorized: false } : …`):
  // what runs while the variable is unset is the other side, and this one is said as conditional.
  const gate = optInGate(node, analysis);
  if (gate) for (const option of Object.values(options)) if (option !== options.host) option.onlyWhen = gate;
  push(fact(node, options, flow, environment, analysis));
  // `ssl: toPgSsl(mode)` where toPgSsl ends in `return false`: what any mode it does not know gives.
  if (fallback) push(fact(fallback.property, { ssl: fallback.option, ...(host ? { host } : {}) }, flow, environment, analysis));

  for (const { name, property } of sides) {
    const branches = valueBranches(property.value as Node, analysis);
    for (const side of branches) {
      const inProperty = side.node.range[0] >= property.range[0] && side.node.range[1] <= property.range[1];
      const at = inProperty && unwrapTs(side.node) !== unwrapTs(property.value as Node) ? side.node : property;
      const option: TlsOption = {
        value: toLiteralValue(side.value),
        span: analysis.sink.span(at.range[0], at.range[1]),
        valueSpan: analysis.sink.span(side.node.range[0], side.node.range[1]),
      };
      push(fact(at, { [name]: option }, flow, pickEnvironment(analysis.sink.fileEnvironment, side.environment), analysis));
    }
    // `rejectUnauthorized: env.bool('X', false)`: what runs when nobody sets X is a fact of its own
    // (a NODE_ENV test has its sides above instead).
    const unset = name === 'rejectUnauthorized' && branches.length === 0 ? envDefault(property.value as Node, analysis) : undefined;
    // `MYSQL_SSL_REJECT_UNAUTHORIZED`, `REDIS_TLS_…`: the variable names whose connection this is.
    if (unset && !(flow.api === undefined && OTHER_TLS_NAME.test(unset.variable))) {
      const option: TlsOption = {
        value: toLiteralValue(unset.value),
        span: analysis.sink.span(property.range[0], property.range[1]),
        valueSpan: analysis.sink.span(property.value.range[0], property.value.range[1]),
        whenUnset: unset.variable,
      };
      push(fact(property, { [name]: option, ...(host ? { host } : {}) }, flow, environment, analysis));
    }
  }
}

/**
 * The test that guards `node` when it sits on a side of a conditional that an unset environment
 * variable never reaches: `process.env.X === 'literal' ? node : …`, `process.env.X !== 'v' ? … : node`
 * (false when unset… only for `===`/`==` with a string), `process.env.X && node`. The test as written.
 */
function optInGate(node: Node, analysis: SourceAnalysis): string | undefined {
  let current: Node = node;
  for (let parent = analysis.parents.of(current); parent; current = parent, parent = analysis.parents.of(current)) {
    if (TS_WRAPPERS.has(parent.type)) continue;
    // A test of the environment (`NODE_ENV === 'production'`) tags each side with it instead.
    if (branchEnvironment(parent, current, analysis)) return undefined;
    if (parent.type === 'ConditionalExpression' && parent.test !== current) {
      const test = envComparison(parent.test as Node);
      if (!test) return undefined;
      // Unset, `process.env.X === 'v'` is false and `!==` true: the side unset never reaches.
      const unsetSide = test.equal ? parent.alternate : parent.consequent;
      return unsetSide === current ? undefined : analysis.sink.text.slice(parent.test.range[0], parent.test.range[1]);
    }
    if (parent.type === 'LogicalExpression' && parent.operator === '&&' && parent.right === current) {
      const left = unwrapTs(parent.left as Node);
      const test = envComparison(left);
      if ((test && test.equal) || isEnvRead(left)) return analysis.sink.text.slice(parent.left.range[0], parent.left.range[1]);
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

function isEnvRead(node: Node): boolean {
  const n = unwrapTs(node);
  return n.type === 'MemberExpression' && /^process\.env\.|^import\.meta\.env\./.test(dottedName(n) ?? '');
}

/**
 * The `ssl` property of `node` when its value calls a function of this file whose last statement
 * returns `false`: the value of every mode the function does not recognise, with the call as written.
 */
function sslFallback(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): { property: TSESTree.Property; option: TlsOption } | undefined {
  const property = node.properties.find((p): p is TSESTree.Property => p.type === 'Property' && propertyKeyName(p) === 'ssl');
  const call = property && unwrapTs(property.value as Node);
  if (!property || call?.type !== 'CallExpression') return undefined;
  const fn = resolveNode(call.callee as Node, analysis.resolver);
  if (!fn || (fn.type !== 'FunctionDeclaration' && fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression') || fn.body.type !== 'BlockStatement') return undefined;
  const last = fn.body.body.at(-1);
  if (last?.type !== 'ReturnStatement' || !last.argument || fold(last.argument as Node, analysis.resolver) !== false) return undefined;
  const { sink } = analysis;
  const text = sink.text.slice(call.range[0], call.range[1]);
  return {
    property,
    option: { value: false, span: sink.span(property.range[0], property.range[1]), valueSpan: sink.span(call.range[0], call.range[1]), fallbackOf: text.length > 60 ? `${text.slice(0, 57)}…` : text },
  };
}

/** The side of `process.env.X === 'v' ? a : b` (or `process.env.X && a`) that runs while X is unset. */
function unsetSideOf(value: Node, analysis: SourceAnalysis): Node | undefined {
  const v = unwrapTs(value);
  // A test of the environment (`NODE_ENV === 'production'`) has its sides judged apart instead.
  if (v.type === 'ConditionalExpression' && !branchEnvironment(v, v.consequent as Node, analysis)) {
    const test = envComparison(v.test as Node);
    return test ? ((test.equal ? v.alternate : v.consequent) as Node) : undefined;
  }
  return undefined;
}

/** `process.env.X === 'v'` (equal) or `!==` (not equal), either side. */
function envComparison(test: Node): { equal: boolean } | undefined {
  const t = unwrapTs(test);
  if (t.type !== 'BinaryExpression' || !['===', '==', '!==', '!='].includes(t.operator)) return undefined;
  const [a, b] = [unwrapTs(t.left as Node), unwrapTs(t.right as Node)];
  const literal = (x: Node) => x.type === 'Literal' && typeof x.value === 'string' && x.value !== '';
  if (!((isEnvRead(a) && literal(b)) || (isEnvRead(b) && literal(a)))) return undefined;
  return { equal: t.operator === '===' || t.operator === '==' };
}

/**
 * An options object that reaches no known client may still be a Postgres client's, except in test
 * code (a mock or an expected value), under a `tls` key (Redis, SMTP, Kafka: node-postgres takes
 * `ssl`), or in a file whose clients are all of other kinds (mysql2, ioredis, nodemailer, …).
 */
/** Variables named for another client's TLS options. */
const OTHER_TLS_NAME = /^tls$|redis|smtp|mail|kafka|amqp|rabbit|mongo|mysql|maria|ldap|elastic/i;

function mayBePostgresTls(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): boolean {
  if (analysis.sink.testCode) return false;
  let holder: Node = node;
  let parent = analysis.parents.of(holder);
  while (parent && (parent.type === 'ConditionalExpression' || parent.type === 'LogicalExpression' || TS_WRAPPERS.has(parent.type))) {
    holder = parent;
    parent = analysis.parents.of(holder);
  }
  if (parent?.type === 'Property' && parent.value === holder && propertyKeyName(parent) === 'tls') return false;
  // `const tls = … { rejectUnauthorized: false } …` (a Redis URL's options), `const smtpTls = …`.
  if (parent?.type === 'VariableDeclarator' && parent.init === holder && parent.id.type === 'Identifier' && OTHER_TLS_NAME.test(parent.id.name)) return false;
  return !usesOnlyOtherClients(analysis.sink.text);
}

/** Moves the options the library never reads out of `options` (the host stays: it places the configuration). */
function setApart(f: TlsOptionsFact, unread: Unread): TlsOptionsFact {
  const options: Record<string, TlsOption> = {};
  const moved: Record<string, TlsOption> = {};
  for (const [name, option] of Object.entries(f.options)) {
    if (name !== 'host' && (unread.keys === 'all' || name === unread.keys)) moved[name] = option;
    else options[name] = option;
  }
  if (Object.keys(moved).length === 0) return f;
  return { ...f, options, unread: { options: moved, by: unread.by, because: unread.because } };
}

/**
 * The `host` (Deno: `hostname`) written in the same configuration, in this object or one that
 * contains it: `{ host: 'localhost', ssl: false }` is a local database, which may go without TLS.
 */
function hostBeside(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): TlsOption | undefined {
  let object: Node | undefined = node;
  while (object?.type === 'ObjectExpression') {
    for (const property of object.properties) {
      if (property.type !== 'Property' || property.kind !== 'init') continue;
      const name = propertyKeyName(property);
      if (name !== 'host' && name !== 'hostname') continue;
      const value = fold(property.value, analysis.resolver);
      if (typeof value !== 'string') continue;
      return { value, span: analysis.sink.span(property.range[0], property.range[1]), valueSpan: analysis.sink.span(property.value.range[0], property.value.range[1]) };
    }
    const parent = analysis.parents.of(object);
    object = parent?.type === 'Property' && parent.value === object ? analysis.parents.of(parent) : undefined;
  }
  return undefined;
}

function environmentOf(flow: Flow, analysis: SourceAnalysis): EnvironmentInfo {
  return pickEnvironment(analysis.sink.fileEnvironment, flow.environment);
}

function fact(node: Node, options: Record<string, TlsOption>, flow: Flow, environment: EnvironmentInfo, analysis: SourceAnalysis): TlsOptionsFact {
  const { sink } = analysis;
  return {
    kind: 'tls-options',
    file: sink.file,
    format: sink.format,
    span: sink.span(node.range[0], node.range[1]),
    environment,
    unit: analysis.unit,
    options,
    ...(flow.api ? { sink: flow.api.sink, driver: flow.api.driver } : {}),
    ...(flow.callAt !== undefined ? { receiverAt: flow.callAt } : {}),
  };
}

/** Options that code sets on an options object after building it. */
const ASSIGNED_KEYS = new Set(['rejectUnauthorized', 'checkServerIdentity', 'minVersion', 'secureProtocol']);

/**
 * `ssl.checkServerIdentity = () => undefined`, `options.rejectUnauthorized = false`: an option
 * assigned to an object literal of this file is judged as if written inside it.
 */
function onAssignment(node: TSESTree.AssignmentExpression, analysis: SourceAnalysis): void {
  if (node.operator !== '=') return;
  const left = unwrapTs(node.left as Node);
  if (left.type !== 'MemberExpression' || left.computed || left.property.type !== 'Identifier' || !ASSIGNED_KEYS.has(left.property.name)) return;
  const target = resolveNode(left.object as Node, analysis.resolver);
  if (target?.type !== 'ObjectExpression') return;
  const flow = flowOf(target, analysis);
  if (!flow.api && !mayBePostgresTls(target, analysis)) return;
  const { sink, resolver } = analysis;
  const option: TlsOption = {
    value: toLiteralValue(fold(node.right as Node, resolver)),
    span: sink.span(node.range[0], node.range[1]),
    valueSpan: sink.span(node.right.range[0], node.right.range[1]),
  };
  const fn = resolveNode(node.right as Node, resolver);
  if (fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression' || fn.type === 'FunctionDeclaration')) {
    const returns = functionReturns(fn, resolver);
    if (returns !== undefined) option.returns = returns;
  }
  const options: Record<string, TlsOption> = { [left.property.name]: option };
  const host = hostBeside(target, analysis);
  if (host) options.host = host;
  analysis.sink.facts.push(fact(node, options, flow, environmentOf(flow, analysis), analysis));
}

export const tlsOptionHandlers: NodeHandlers = {
  ObjectExpression: onObject,
  AssignmentExpression: onAssignment,
};
