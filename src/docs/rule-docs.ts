import type { Rule, RuleExample } from '../engine/rule.js';

// docs/rules.md is generated from the rules' own metadata (description, rationale, examples), so
// the documentation cannot drift from the code: a test fails when the file is stale.

function fence(example: RuleExample): string {
  const lang = /\.(ts|tsx|mts|cts)$/.test(example.file)
    ? 'ts'
    : /\.(js|jsx|mjs|cjs)$/.test(example.file)
      ? 'js'
      : /\.ya?ml$/.test(example.file)
        ? 'yaml'
        : /\.json$/.test(example.file)
          ? 'jsonc'
          : /(^|\/)\.env|\.env$|\.envrc$/.test(example.file)
            ? 'sh'
            : '';
  const notes: string[] = [];
  if (example.git) notes.push(example.git.inGit ? `git: ${example.git.tracked ? 'tracked' : 'untracked'}${example.git.ignored ? ', ignored' : example.git.ignored === false ? ', not ignored' : ''}` : 'outside git');
  if (example.mode !== undefined) notes.push(`mode ${example.mode.toString(8).padStart(4, '0')}`);
  const title = `\`${example.file}\`${notes.length ? ` (${notes.join('; ')})` : ''}`;
  const body = example.code.trim() ? `\n\`\`\`${lang}\n${example.code.replace(/\n$/, '')}\n\`\`\`\n` : '\n_(file content not relevant)_\n';
  return `${title}\n${body}`;
}

export function renderRuleDocs(rules: readonly Rule[]): string {
  const out: string[] = [
    '# sslguard rules',
    '',
    '<!-- Generated from the rules\' metadata by `npm run docs`; do not edit by hand. -->',
    '',
    '| Rule | Default severity | What it checks |',
    '| --- | --- | --- |',
    ...rules.map((r) => `| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.defaultSeverity} | ${r.meta.description.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const r of rules) {
    out.push(`## ${r.meta.id}`, '', r.meta.description, '', `Default severity: **${r.meta.defaultSeverity}**. Turn it off or change it with \`--rule ${r.meta.id}=off|warning|error\` or \`"rules": {"${r.meta.id}": "warning"}\` in \`.sslguard.json\`.`, '');
    if (r.meta.looksAt?.length) out.push('### Where it looks', '', ...r.meta.looksAt.map((l) => `- ${l}`), '');
    out.push('### Why', '', r.meta.rationale, '');
    out.push('### Bad', '');
    for (const e of r.meta.examples.bad) out.push(fence(e));
    out.push('### Good', '');
    for (const e of r.meta.examples.good) out.push(fence(e));
    out.push(`Suppress one finding with a comment on the line before it: \`# sslguard-disable-next-line ${r.meta.id} -- reason\` (\`//\` in code and JSONC).`, '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
