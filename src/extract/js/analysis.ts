import type { Unit } from '../../model.js';
import type { FactSink } from '../sink.js';
import type { Node } from './ast.js';
import type { Parents } from './walk.js';
import type { Resolver } from './scope.js';

/** State shared by the node handlers of one source file. */
export interface SourceAnalysis {
  readonly sink: FactSink;
  readonly unit: Unit;
  readonly parents: Parents;
  /** Nodes whose value a handler on an ancestor already emitted; handlers of the node skip them. */
  readonly consumed: Set<Node>;
  /** Names → declarations and values (scope analysis runs on first use). */
  readonly resolver: Resolver;
}

/** Handlers by node type; several modules contribute handlers, called in registration order. */
export type NodeHandlers = {
  [K in Node['type']]?: (node: Extract<Node, { type: K }>, analysis: SourceAnalysis) => void;
};

export const TS_WRAPPERS = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion']);
