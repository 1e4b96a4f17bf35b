// Deciding whether a value is a stand-in rather than a real value: a committed `[YOUR-PASSWORD]`
// or `${DB_PASSWORD}` is not a leaked secret, and a host written `${DB_HOST}` cannot be classed.

/**
 * Whole-value references to something supplied elsewhere: shell / compose / dotenv-expand
 * (`${VAR}`, `${VAR:-default}`, `$VAR`), Make and Azure Pipelines (`$(VAR)`), Windows (`%VAR%`),
 * Helm / Go / Jinja / Handlebars (`{{ ... }}`), VS Code and MCP client configs (`${env:VAR}`,
 * `${input:id}`, both covered by `${...}`), and documentation wrappers (`<host>`, `[HOST]`).
 */
const REFERENCES: readonly RegExp[] = [
  /^\$\{.*\}$/s,
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^\$\([^()]*\)$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^\{\{.*\}\}$/s,
  /^<[^<>]*>$/,
  /^\[[^[\]]*\]$/,
];

/**
 * The placeholder vocabulary, in one place. Words are compared after lower-casing and removing
 * separators (blanks, `_`, `-`, `.`), so `YOUR-PASSWORD`, `your_password` and `Your Password`
 * are one entry, while `pass[word]` stays a real value. Each entry says where it comes from.
 */
const PLACEHOLDER_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(your|my)(db|database|postgres|supabase|neon)?(password|pass|pwd|secret)(here)?$/, 'docs and .env.example templates'],
  [/^(changeme|changethis|replaceme|replacethis)$/, 'templates asking to be edited (`changeme`, `REPLACE_ME`)'],
  // Not `secret` or `postgres` alone: they are real (if weak) passwords in many compose files.
  [/^(db|database|postgres|pg)?(password|passwd|pass|pwd)$/, 'the name of the thing instead of a value (`password`, `pass`, `DB_PASSWORD`)'],
  [/^(redacted|placeholder|secrethere)$/, 'the name of the thing instead of a value'],
];

/** Values made only of filler characters: `xxxx`, `****` (also sslguard's own mask), `???`, `...`, `…`. */
const FILLER: readonly RegExp[] = [/^x{3,}$/i, /^\*+$/, /^\?+$/, /^\.{3,}$/, /^…+$/, /^•+$/];

/** True when the whole value is a reference to a variable or a wrapper placeholder (`${DB_HOST}`, `<host>`, `[HOST]`). */
export function isReference(value: string): boolean {
  const v = value.trim();
  return v.length > 0 && REFERENCES.some((re) => re.test(v));
}

/**
 * `${VAR:-default}` and `${VAR-default}` (shell, compose, dotenv-expand): what runs unless VAR is
 * set is the default, so a real password written there is a committed password. Returns the
 * default, or undefined for any other value (`${VAR}`, `${VAR:?error}`, `${VAR:+alt}`, `${env:VAR}`).
 */
export function referenceDefault(value: string): string | undefined {
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/s.exec(value.trim());
  // `${A:-x}${B}` is two references, not one with the default `x}${B`.
  if (!m) return undefined;
  let depth = 0;
  for (const c of m[1]!) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return undefined;
  }
  return depth === 0 ? m[1] : undefined;
}

/** True for values that are not real secrets: empty, references, wrappers and the placeholder vocabulary. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  const fallback = referenceDefault(v);
  if (fallback !== undefined) return isPlaceholder(fallback);
  if (isReference(v)) return true;
  if (FILLER.some((re) => re.test(v))) return true;
  const word = v.toLowerCase().replace(/[\s_.-]+/g, '');
  return PLACEHOLDER_WORDS.some(([re]) => re.test(word));
}
