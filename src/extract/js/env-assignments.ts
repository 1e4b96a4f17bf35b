// Code that sets environment variables for the process and its children:
// `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` disables certificate checks process-wide.
import type { ValueLocation } from '../../text/source.js';
import { locateValue } from '../../text/source.js';
import type { Node, TSESTree } from './ast.js';
import type { NodeHandlers, SourceAnalysis } from './analysis.js';
import { fold, isKnown, unwrapTs } from './fold.js';
import { dottedName, isProcessEnv, memberName, nameRange, propertyKeyName } from './names.js';
import { enclosingEnvironment } from './environments.js';

/** `??=` and `||=` set a default, which is still the value whenever nothing else set one. */
const ASSIGNING_OPERATORS = new Set(['=', '??=', '||=']);

function emitEnv(name: string, range: { start: number; end: number }, valueNode: Node, analysis: SourceAnalysis): void {
  const text = analysis.sink.text;
  const [start, end] = valueNode.range;
  const folded = fold(valueNode, analysis.resolver);
  let value: string | undefined;
  let loc: ValueLocation;
  if (isKnown(folded)) {
    // process.env stores strings: Node converts whatever is assigned (0 → "0", false → "false").
    value = String(folded);
    loc = locateValue(text, start, end, value);
    // The sink scans the literal for connection strings; the literal's own handler must not again.
    analysis.consumed.add(unwrapTs(valueNode));
  } else {
    loc = { start, end, exact: false };
  }
  // `if (process.env.NODE_ENV !== 'production') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` runs outside production only.
  const environment = enclosingEnvironment(valueNode, analysis);
  analysis.sink.assignment(name, range, value, loc, { unit: analysis.unit, processEnv: true, ...(environment ? { environment } : {}) });
}

function onAssignment(node: TSESTree.AssignmentExpression, analysis: SourceAnalysis): void {
  if (!ASSIGNING_OPERATORS.has(node.operator)) return;
  const left = unwrapTs(node.left);
  if (left.type !== 'MemberExpression' || !isProcessEnv(left.object)) return;
  const member = memberName(analysis.sink.text, left);
  if (member) emitEnv(member.name, member.range, node.right, analysis);
}

/** `Object.assign(process.env, { NODE_TLS_REJECT_UNAUTHORIZED: '0' })`. */
function onCall(node: TSESTree.CallExpression, analysis: SourceAnalysis): void {
  if (dottedName(node.callee) !== 'Object.assign') return;
  const [target, ...sources] = node.arguments;
  if (!target || !isProcessEnv(target)) return;
  for (const source of sources) {
    const object = unwrapTs(source);
    if (object.type !== 'ObjectExpression') continue;
    for (const property of object.properties) {
      if (property.type !== 'Property' || property.kind !== 'init' || property.method) continue;
      const name = propertyKeyName(property);
      if (name === undefined) continue;
      emitEnv(name, nameRange(analysis.sink.text, property.key, name), property.value, analysis);
    }
  }
}

export const envAssignmentHandlers: NodeHandlers = {
  AssignmentExpression: onAssignment,
  CallExpression: onCall,
};
