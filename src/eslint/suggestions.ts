// Edits an editor may offer next to a finding (ESLint suggestions: applied only when the user picks
// one, never by --fix). Only edits that turn verification on, or keep exactly what the code does
// today, are offered: `rejectUnauthorized: true`, `ssl: 'verify-full'`, `minVersion: 'TLSv1.2'`,
// and `sslmode=verify-full` where node-postgres already reads `require` as verify-full.
import type { Finding } from '../model.js';

export interface Suggestion {
  messageId: string;
  /** Offsets into the linted text. */
  range: [number, number];
  text: string;
}

/** Suggestion messages, by rule: added to the ESLint rule's `meta.messages`. */
export const SUGGESTION_MESSAGES: Record<string, Record<string, string>> = {
  'no-reject-unauthorized': {
    suggestRejectUnauthorized: "Set rejectUnauthorized: true (and give the client the server's CA if its certificate is private)",
    suggestVerifyFull: "Use ssl: 'verify-full'",
  },
  'tls-min-version': { suggestMinVersion: "Set minVersion: 'TLSv1.2'" },
  'pg-sslmode-alias': { suggestSslmodeVerifyFull: 'Write sslmode=verify-full (what node-postgres does with this URL today)' },
};

/** The value part of `key: value` written at [start, end), as a range; undefined without a colon. */
function valueRange(text: string, start: number, end: number): [number, number] | undefined {
  const written = text.slice(start, end);
  const colon = written.indexOf(':');
  if (colon < 0) return undefined;
  let from = start + colon + 1;
  while (from < end && /\s/.test(text[from]!)) from++;
  return from < end ? [from, end] : undefined;
}

function quoted(text: string, [from, to]: [number, number], value: string): string | undefined {
  const q = text[from];
  return (q === "'" || q === '"' || q === '`') && text[to - 1] === q ? `${q}${value}${q}` : undefined;
}

/** The suggestions for one finding whose range is [start, end) of `text`. */
export function suggestionsFor(finding: Finding, text: string, start: number, end: number): Suggestion[] {
  const written = text.slice(start, end);
  switch (`${finding.ruleId}/${finding.messageId}`) {
    case 'no-reject-unauthorized/tlsOption':
    case 'no-reject-unauthorized/tlsOptionUnknownSink': {
      // The property, or (for one side of an environment test) the literal `false` itself.
      const range = valueRange(text, start, end) ?? (/^(false|0)$/.test(written) ? ([start, end] as [number, number]) : undefined);
      return range ? [{ messageId: 'suggestRejectUnauthorized', range, text: 'true' }] : [];
    }
    case 'no-reject-unauthorized/sslRequireUnverified': {
      const range = valueRange(text, start, end);
      const replacement = range && quoted(text, range, 'verify-full');
      return range && replacement ? [{ messageId: 'suggestVerifyFull', range, text: replacement }] : [];
    }
    case 'tls-min-version/minVersion': {
      const range = valueRange(text, start, end);
      const replacement = range && quoted(text, range, 'TLSv1.2');
      return range && replacement ? [{ messageId: 'suggestMinVersion', range, text: replacement }] : [];
    }
    case 'pg-sslmode-alias/alias':
      // Only where the finding points at the mode as written (not at a whole literal with escapes).
      return written.toLowerCase() === finding.data?.mode ? [{ messageId: 'suggestSslmodeVerifyFull', range: [start, end], text: 'verify-full' }] : [];
    default:
      return [];
  }
}
