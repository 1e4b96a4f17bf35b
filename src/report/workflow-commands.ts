// GitHub Actions workflow commands (`::error file=…::message`), escaped as the runner unescapes
// them: `%`, CR and LF in the message; additionally `:` and `,` in property values, which would
// otherwise end a value. Written by hand because the toolkit (@actions/core) keeps its escaping
// private and would bring an HTTP client into every CLI install for five replace calls.

import { printable } from './printable.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::name key=value,…::message` with every part escaped; properties that are undefined are left out.
 * Control characters other than line breaks show as escapes (`\u001b`): a file name's ESC reaches
 * no terminal, at the price of an annotation GitHub cannot place on such a file.
 */
export function workflowCommand(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(printable(String(value), { lineBreaks: true }))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(printable(message, { lineBreaks: true }))}`;
}

export interface AnnotationPosition {
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * An annotation command. GitHub accepts `col`/`endColumn` only when the annotation starts and ends
 * on the same line, so a multi-line range keeps its lines and drops its columns.
 */
export function annotation(level: AnnotationLevel, position: AnnotationPosition, title: string, message: string): string {
  const sameLine = position.endLine === undefined || position.endLine === position.line;
  return workflowCommand(
    level,
    {
      file: position.file,
      line: position.line,
      endLine: position.endLine,
      col: sameLine ? position.column : undefined,
      endColumn: sameLine ? position.endColumn : undefined,
      title,
    },
    message,
  );
}
