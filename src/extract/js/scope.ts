// Which declaration an identifier names, and what a variable holds. Scoping in JavaScript
// (hoisting, shadowing, destructuring, TypeScript's type/value split) is what
// @typescript-eslint/scope-manager gets right; it is loaded and run only when a handler first needs
// to follow a name, since most files never do.
import { createRequire } from 'node:module';
import type * as ScopeManagerModule from '@typescript-eslint/scope-manager';
import type { Reference, Variable } from '@typescript-eslint/scope-manager';
import type { Node, TSESTree } from './ast.js';

const require = createRequire(import.meta.url);
let scopeManager: typeof ScopeManagerModule | undefined;

export type { Variable };

/** A variable's value as written: `init` itself, or a property path into it (`const { Pool } = pg` → pg, ['Pool']). */
export interface Alias {
  init: Node;
  path: string[];
}

export class Resolver {
  private references?: Map<Node, Reference>;
  private declarations?: Map<Node, Variable>;
  /** Every variable an identifier declares: a class name binds one outside the class and one inside. */
  private allDeclarations?: Map<Node, Variable[]>;

  constructor(
    private readonly program: TSESTree.Program,
    private readonly script: boolean,
  ) {}

  private index(): void {
    if (this.references) return;
    this.references = new Map();
    this.declarations = new Map();
    this.allDeclarations = new Map();
    try {
      scopeManager ??= require('@typescript-eslint/scope-manager') as typeof ScopeManagerModule;
      // `lib: []`: the built-in globals are never the values sslguard follows, and declaring them costs time.
      const manager = scopeManager.analyze(this.program, { sourceType: this.script ? 'script' : 'module', lib: [], globalReturn: this.script });
      for (const scope of manager.scopes) {
        for (const reference of scope.references) this.references.set(reference.identifier, reference);
        for (const variable of scope.variables) {
          for (const id of variable.identifiers) {
            this.declarations.set(id, variable);
            this.allDeclarations.set(id, [...(this.allDeclarations.get(id) ?? []), variable]);
          }
        }
      }
    } catch {
      // A tree the analyser rejects (allowInvalidAST) leaves every name unresolved: callers fall back to names as written.
    }
  }

  /** The variable an identifier reads or declares; undefined for globals and unresolvable names. */
  variableOf(id: Node): Variable | undefined {
    if (id.type !== 'Identifier') return undefined;
    this.index();
    return this.references!.get(id)?.resolved ?? this.declarations!.get(id) ?? undefined;
  }

  /** An identifier that names no declaration of this file (`require`, `process`, an undeclared `Pool`). */
  isGlobal(id: Node): boolean {
    if (id.type !== 'Identifier') return false;
    this.index();
    const reference = this.references!.get(id);
    return reference ? reference.resolved === null : !this.declarations!.has(id);
  }

  /**
   * The one value a variable ever holds: `const x = …`, `let x = …` never assigned again, a
   * destructured `const { a } = obj`, or a function declaration. Undefined otherwise.
   */
  aliasOf(variable: Variable): Alias | undefined {
    if (variable.defs.length !== 1) return undefined;
    const def = variable.defs[0]!;
    if (def.type === 'FunctionName') return { init: def.node as Node, path: [] };
    if (def.type !== 'Variable') return undefined;
    const declarator = def.node as TSESTree.VariableDeclarator;
    if (!declarator.init) return undefined;
    if (variable.references.some((r) => r.isWrite() && !r.init)) return undefined;
    if (declarator.id === def.name) return { init: declarator.init, path: [] };
    const path = patternPath(declarator.id, def.name as Node);
    return path ? { init: declarator.init, path } : undefined;
  }

  /** Every variable `id` declares (a class name: the one outside the class and the one inside). */
  variablesDeclaredBy(id: Node): Variable[] {
    this.index();
    return this.allDeclarations!.get(id) ?? [];
  }

  /** Identifiers that read the variable. */
  readsOf(variable: Variable): TSESTree.Identifier[] {
    return variable.references.filter((r) => r.isRead() && r.isValueReference).map((r) => r.identifier as TSESTree.Identifier);
  }
}

/** The property path from a destructuring pattern's root to `target` (`{ a: { b } }` → ['a', 'b']); undefined through arrays and rest. */
function patternPath(pattern: Node, target: Node): string[] | undefined {
  if (pattern === target) return [];
  if (pattern.type === 'AssignmentPattern') return patternPath(pattern.left, target);
  if (pattern.type !== 'ObjectPattern') return undefined;
  for (const property of pattern.properties) {
    if (property.type !== 'Property') continue;
    const key = !property.computed && property.key.type === 'Identifier' ? property.key.name : property.key.type === 'Literal' ? String(property.key.value) : undefined;
    if (key === undefined) continue;
    const rest = patternPath(property.value, target);
    if (rest) return [key, ...rest];
  }
  return undefined;
}
