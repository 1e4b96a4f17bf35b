// Which call a value ends up in: `new Pool({ ssl: { … } })` hands the inner object to
// node-postgres, and so does `const ssl = { … }; new Pool({ ssl })`, `{ ...base, ssl }`,
// `new Pool(makeConfig())` where `makeConfig` returns the object, and a knexfile's export.
// Only positions the value flows through unchanged count; the first recognised call decides.
import type { EnvironmentInfo } from '../../model.js';
import { environmentOfWord } from '../../policy/environment.js';
import type { Node, TSESTree } from './ast.js';
import { TS_WRAPPERS, type SourceAnalysis } from './analysis.js';
import { moduleOrigin } from './bindings.js';
import { apiByName, apiOfCallee, apiOfConfigFile, type DriverApi } from './drivers.js';
import { branchEnvironment, enclosingEnvironment } from './environments.js';
import { fold, resolveNode, unwrapTs } from './fold.js';
import { dottedName, propertyKeyName } from './names.js';

export interface Flow {
  /** The recognised API that receives the value. */
  api?: DriverApi;
  /** The program that parses a connection string here (the API's, when its configuration names Postgres). */
  consumer?: string;
  /** Property path from the API's argument (or exported configuration) down to the value. */
  path: string[];
  /** The environment of an environment-dependent branch on the way (`NODE_ENV === 'production' ? … : …`). */
  environment?: EnvironmentInfo;
  /** Offset of the call that receives the value (absent for a configuration file's export). */
  callAt?: number;
}

/** Calls that return their arguments' properties merged: the value flows on through them. */
const PASS_THROUGH = new Set(['Object.assign', 'Object.freeze', 'structuredClone']);

/** How many bindings, parameters and returns a value is followed through. */
const MAX_DEPTH = 8;

type Call = TSESTree.CallExpression | TSESTree.NewExpression;

export function flowOf(node: Node, analysis: SourceAnalysis): Flow {
  const found = new FlowSearch(analysis).follow(node, [], undefined, 0);
  if (found) return found;
  const environment = enclosingEnvironment(node, analysis);
  return { path: [], ...(environment ? { environment } : {}) };
}

function isFunction(node: Node): node is TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

class FlowSearch {
  private readonly seen = new Set<Node>();
  /** Object literals the value was found inside, on the way up: where a dialect key (`client: 'pg'`) may sit. */
  private readonly objects: TSESTree.ObjectExpression[] = [];

  constructor(private readonly analysis: SourceAnalysis) {}

  /** Walks up from `start`; `path` is the property path from `start` down to the value. */
  follow(start: Node, path: string[], environment: EnvironmentInfo | undefined, depth: number): Flow | undefined {
    if (depth > MAX_DEPTH || this.seen.has(start)) return undefined;
    this.seen.add(start);
    const { parents } = this.analysis;
    let current = start;
    let p = path;
    let env = environment;
    for (;;) {
      const parent = parents.of(current);
      if (!parent) return undefined;
      env ??= branchEnvironment(parent, current, this.analysis);
      if (TS_WRAPPERS.has(parent.type) || parent.type === 'AwaitExpression' || parent.type === 'ChainExpression') {
        current = parent;
        continue;
      }
      switch (parent.type) {
        case 'Property': {
          const object = parents.of(parent);
          if (parent.value !== current || object?.type !== 'ObjectExpression') return undefined;
          p = [propertyKeyName(parent) ?? '?', ...p];
          this.objects.push(object);
          current = object;
          continue;
        }
        case 'SpreadElement': {
          // `{ ...base }` merges base's properties into the new object, at the same path.
          const object = parents.of(parent);
          if (object?.type !== 'ObjectExpression') return undefined;
          current = object;
          continue;
        }
        case 'ConditionalExpression':
          if (parent.test === current) return undefined;
          current = parent;
          continue;
        case 'LogicalExpression':
          current = parent;
          continue;
        case 'CallExpression':
        case 'NewExpression':
          return this.intoCall(parent, current, p, env, depth);
        case 'VariableDeclarator':
          return parent.init === current ? this.throughBinding(parent.id, p, env, depth) : undefined;
        case 'AssignmentExpression':
          return parent.right === current && parent.operator === '=' ? this.throughAssignment(parent.left, p, env, depth) : undefined;
        case 'ReturnStatement': {
          let fn: Node | undefined = parent;
          while (fn && !isFunction(fn)) fn = parents.of(fn);
          return fn ? this.fromFunction(fn, p, env, depth) : undefined;
        }
        case 'ArrowFunctionExpression':
          return parent.body === current ? this.fromFunction(parent, p, env, depth) : undefined;
        case 'ExportDefaultDeclaration':
          return this.exported(p, env);
        default:
          return undefined;
      }
    }
  }

  private intoCall(call: Call, current: Node, path: string[], env: EnvironmentInfo | undefined, depth: number): Flow | undefined {
    const index = call.arguments.indexOf(current as Call['arguments'][number]);
    if (index < 0) return undefined;
    const api = this.calleeApi(call.callee);
    if (api) {
      const environment = env ?? enclosingEnvironment(call, this.analysis);
      const consumer = this.consumerOf(api, call, path);
      return { api, path, callAt: call.range[0], ...(consumer ? { consumer } : {}), ...(environment ? { environment } : {}) };
    }
    const name = dottedName(call.callee);
    if (name !== undefined && PASS_THROUGH.has(name)) return this.follow(call, path, env, depth + 1);
    // A function of this file: the argument becomes its parameter.
    const fn = resolveNode(call.callee, this.analysis.resolver);
    if (!fn || !isFunction(fn)) return undefined;
    let param: Node | undefined = fn.params[index];
    if (param?.type === 'AssignmentPattern') param = param.left;
    if (param?.type === 'TSParameterProperty') return undefined;
    return param?.type === 'Identifier' ? this.throughBinding(param, path, env, depth) : undefined;
  }

  /** Follows every read of the variable declared by `id`; the first that reaches an API decides. */
  private throughBinding(id: Node, path: string[], env: EnvironmentInfo | undefined, depth: number): Flow | undefined {
    const variable = this.analysis.resolver.variableOf(id);
    if (!variable) return undefined;
    for (const read of this.analysis.resolver.readsOf(variable)) {
      const found = this.follow(read, path, env, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  private throughAssignment(left: Node, path: string[], env: EnvironmentInfo | undefined, depth: number): Flow | undefined {
    const target = unwrapTs(left);
    if (target.type === 'Identifier') return this.throughBinding(target, path, env, depth);
    if (target.type !== 'MemberExpression') return undefined;
    const name = dottedName(target);
    if (name === 'module.exports' || name === 'exports.default') return this.exported(path, env);
    // `config.ssl = { … }` puts the value at `ssl` of whatever `config` holds.
    const key = !target.computed && target.property.type === 'Identifier' ? target.property.name : undefined;
    const object = unwrapTs(target.object);
    if (key === undefined || object.type !== 'Identifier') return undefined;
    return this.throughBinding(object, [key, ...path], env, depth);
  }

  /** The value is what `fn` returns: follow the calls of `fn`, or `fn` itself as a callback (`useFactory: () => ({ … })`). */
  private fromFunction(fn: Node, path: string[], env: EnvironmentInfo | undefined, depth: number): Flow | undefined {
    const { parents, resolver } = this.analysis;
    let id: Node | undefined;
    if (fn.type === 'FunctionDeclaration') id = fn.id ?? undefined;
    else {
      let holder: Node = fn;
      let parent = parents.of(holder);
      while (parent && TS_WRAPPERS.has(parent.type)) {
        holder = parent;
        parent = parents.of(holder);
      }
      if (parent?.type === 'VariableDeclarator' && parent.init === holder) id = parent.id;
    }
    const method = this.staticMethodCalls(fn);
    if (method) {
      for (const call of method) {
        const found = this.follow(call, path, env, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    const variable = id && resolver.variableOf(id);
    if (!variable) return this.follow(fn, ['()', ...path], env, depth + 1);
    for (const read of resolver.readsOf(variable)) {
      const parent = parents.of(read);
      const found =
        parent && (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.callee === read
          ? this.follow(parent, path, env, depth + 1)
          : this.follow(read, ['()', ...path], env, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * For a static method of a class declared in this file (`static sslOptions() { return {…} }`),
   * the calls `Db.sslOptions()` of it; undefined for any other function.
   */
  private staticMethodCalls(fn: Node): Node[] | undefined {
    const { parents, resolver } = this.analysis;
    const definition = parents.of(fn);
    if (definition?.type !== 'MethodDefinition' || !definition.static || definition.computed || definition.key.type !== 'Identifier') return undefined;
    const name = definition.key.name;
    const cls = parents.of(parents.of(definition) ?? definition);
    if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression') || !cls.id) return undefined;
    const calls: Node[] = [];
    for (const read of resolver.variablesDeclaredBy(cls.id).flatMap((v) => resolver.readsOf(v))) {
      const member = parents.of(read);
      if (member?.type !== 'MemberExpression' || member.object !== read || member.computed || member.property.type !== 'Identifier' || member.property.name !== name) continue;
      const call = parents.of(member);
      if (call?.type === 'CallExpression' && call.callee === member) calls.push(call);
    }
    return calls;
  }

  /** A configuration file's export (`drizzle.config.ts`, `knexfile.js`). */
  private exported(path: string[], env: EnvironmentInfo | undefined): Flow | undefined {
    const config = apiOfConfigFile(this.analysis.sink.file);
    if (!config) return undefined;
    let p = path;
    let environment = env;
    if (config.environmentKeys && p.length > 0) {
      // knexfile / sequelize-cli: `{ development: {…}, production: {…} }`; a flat configuration has no such level.
      const named = environmentOfWord(p[0]!);
      if (named) {
        environment ??= { name: named, reason: `${config.api.sink === 'knex' ? 'knexfile' : 'sequelize-cli config'} key \`${p[0]}\`` };
        p = p.slice(1);
      }
    }
    const consumer = this.dialectMatches(config.api, []) ? (config.api.pathConsumers?.[p.join('.')] ?? config.api.consumer) : undefined;
    return { api: config.api, path: p, ...(consumer ? { consumer } : {}), ...(environment ? { environment } : {}) };
  }

  private calleeApi(callee: Node): DriverApi | undefined {
    const { resolver } = this.analysis;
    const origin = moduleOrigin(callee, resolver);
    if (origin) return apiOfCallee(origin);
    // Names that no import binds: the drivers' conventional names, as written.
    let root = unwrapTs(callee);
    while (root.type === 'MemberExpression') root = unwrapTs(root.object);
    if (root.type !== 'Identifier' || !resolver.isGlobal(root)) return undefined;
    const name = dottedName(callee);
    return name === undefined ? undefined : apiByName(name);
  }

  /** Multi-database APIs parse connection strings for Postgres only when configured for it. */
  private consumerOf(api: DriverApi, call: Call, path: readonly string[]): string | undefined {
    return this.dialectMatches(api, call.arguments) ? (api.pathConsumers?.[path.join('.')] ?? api.consumer) : undefined;
  }

  /** The dialect key (`client: 'pg'`) names Postgres, in the call's arguments or an object the value sits in. */
  private dialectMatches(api: DriverApi, args: readonly Node[]): boolean {
    if (!api.dialect) return true;
    const objects = [...this.objects, ...args.map((arg) => resolveNode(arg, this.analysis.resolver))];
    for (const object of objects) {
      if (object?.type !== 'ObjectExpression') continue;
      for (const property of object.properties) {
        if (property.type !== 'Property' || propertyKeyName(property) !== api.dialect.key) continue;
        const value = fold(property.value, this.analysis.resolver);
        if (typeof value === 'string' && api.dialect.values.includes(value)) return true;
      }
    }
    return false;
  }
}
