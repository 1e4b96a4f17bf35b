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
  [/^your(db|database|postgres|supabase|neon)?(password|pass|pwd|secret)(here)?$/, 'docs and .env.example templates'],
  [/^(changeme|changethis|replaceme|replacethis)$/, 'templates asking to be edited (`changeme`, `REPLACE_ME`)'],
  // Not `secret` alone: it is a real (if weak) password in many compose files.
  [/^(password|passwd|redacted|placeholder|secrethere)$/, 'the name of the thing instead of a value'],
];

/** Values made only of filler characters: `xxxx`, `****` (also sslguard's own mask), `???`, `...`, `…`. */
const FILLER: readonly RegExp[] = [/^x{3,}$/i, /^\*+$/, /^\?+$/, /^\.{3,}$/, /^…+$/, /^•+$/];

/** True when the whole value is a reference to a variable or a wrapper placeholder (`${DB_HOST}`, `<host>`, `[HOST]`). */
export function isReference(value: string): boolean {
  const v = value.trim();
  return v.length > 0 && REFERENCES.some((re) => re.test(v));
}

/** True for values that are not real secrets: empty, references, wrappers and the placeholder vocabulary. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (isReference(v)) return true;
  if (FILLER.some((re) => re.test(v))) return true;
  const word = v.toLowerCase().replace(/[\s_.-]+/g, '');
  return PLACEHOLDER_WORDS.some(([re]) => re.test(word));
}
