// File names, compose service names and values come from the scanned repository, and a terminal
// or a CI log acts on some characters: a newline followed by `::error file=x::…` is a workflow
// command to a GitHub Actions step that prints sslguard's output, ESC starts terminal sequences
// (window title, clear screen, hyperlinks), and bidirectional overrides reorder what is shown.
// Every human-readable output passes repository text through `printable`; JSON and SARIF escape
// control characters by their own grammar.

/** C0 and C1 controls, DEL, the line and paragraph separators, bidirectional embeddings, overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The text with each such character written as an escape (`\n`, `\u001b`), so it shows and does
 * nothing. `lineBreaks` keeps CR and LF for a workflow command's message, whose own escaping
 * (`%0A`) already keeps them inside the one command.
 */
export function printable(text: string, options: { lineBreaks?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (c) => (options.lineBreaks && (c === '\n' || c === '\r') ? c : (NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)));
}
