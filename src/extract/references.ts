// Variable references inside a value, split into literal text and references, in the syntax of the
// program that expands them: docker compose and dotenv-expand (`${VAR}`, `${VAR:-default}`,
// `${VAR-default}`, `$VAR`, `$$` a literal dollar), MCP clients (`${VAR}`, `${env:VAR}`; VS Code's
// `${input:id}` prompts and `${workspaceFolder}` stay literal), Kubernetes (`$(VAR)`, `$$(VAR)`
// literal). Written by hand: compose's and VS Code's interpolation are not published as libraries,
// and sslguard needs the parts (to resolve them against other files), not an expanded string.
import type { ValueRef } from '../model.js';

export type ReferenceSyntax = 'shell' | 'mcp' | 'k8s';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The parts of `value`, or undefined when it holds no reference sslguard can resolve. */
export function referenceParts(value: string, syntax: ReferenceSyntax): Array<string | ValueRef> | undefined {
  const parts: Array<string | ValueRef> = [];
  let text = '';
  let found = false;
  const flush = () => {
    if (text) parts.push(text);
    text = '';
  };
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch !== '$') {
      text += ch;
      i++;
      continue;
    }
    const next = value[i + 1];
    if (syntax === 'k8s') {
      if (next === '$') {
        // `$$(VAR)` is the escaped literal `$(VAR)`.
        text += '$';
        i += 2;
        continue;
      }
      const m = next === '(' ? /^\(([A-Za-z_][A-Za-z0-9_.-]*)\)/.exec(value.slice(i + 1)) : null;
      if (!m) {
        text += ch;
        i++;
        continue;
      }
      flush();
      parts.push({ name: m[1]! });
      found = true;
      i += 1 + m[0].length;
      continue;
    }
    if (next === '$' && syntax === 'shell') {
      text += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(value, i + 2);
      if (close < 0) {
        text += value.slice(i);
        break;
      }
      const body = value.slice(i + 2, close);
      const ref = braced(body, syntax);
      if (ref) {
        flush();
        parts.push(ref);
        found = true;
      } else {
        text += value.slice(i, close + 1);
      }
      i = close + 1;
      continue;
    }
    const m = syntax === 'shell' ? NAME.exec(value.slice(i + 1)) : null;
    if (m) {
      flush();
      parts.push({ name: m[0] });
      found = true;
      i += 1 + m[0].length;
      continue;
    }
    text += ch;
    i++;
  }
  flush();
  return found ? parts : undefined;
}

function braced(body: string, syntax: ReferenceSyntax): ValueRef | undefined {
  if (syntax === 'mcp') {
    const m = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(body);
    // `${workspaceFolder}`, `${userHome}` and friends are the client's own variables, not the environment's.
    if (!m || (!body.startsWith('env:') && CLIENT_VARIABLES.has(m[1]!))) return undefined;
    return { name: m[1]! };
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+=])([\s\S]*))?$/.exec(body);
  if (!m) return undefined;
  const [, name, colon, op, rest] = m;
  if (op === '-' || op === '=') return { name: name!, fallback: { value: rest ?? '', whenEmpty: colon === ':' } };
  // `${VAR:?error}` is VAR or a failed start; `${VAR:+alt}` is alt when VAR is set: neither is VAR's value.
  if (op === '+') return undefined;
  return { name: name! };
}

const CLIENT_VARIABLES = new Set([
  'workspaceFolder',
  'workspaceFolderBasename',
  'userHome',
  'pathSeparator',
  'cwd',
  'file',
  'fileDirname',
  'CLAUDE_PROJECT_DIR',
  'CLAUDE_PLUGIN_ROOT',
]);

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${…}`. */
export function closingBrace(value: string, from: number): number {
  let depth = 1;
  for (let j = from; j < value.length; j++) {
    if (value[j] === '$' && value[j + 1] === '{') {
      depth++;
      j++;
    } else if (value[j] === '}' && --depth === 0) return j;
  }
  return -1;
}
