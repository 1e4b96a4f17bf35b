import { defineRule } from '../src/engine/rule.js';
import { gitFix, isTrackedButIgnored, wouldCommit } from '../src/policy/git.js';

export default defineRule({
  meta: {
    id: 'gitignore-env',
    description: '.env files must be kept out of git; commit a .env.example with placeholders instead.',
    defaultSeverity: 'error',
    rationale:
      '.env files hold the real connection strings and passwords of an environment. Once committed they are readable by ' +
      'everyone with access to the repository and stay in its history. Ignore them, and commit a .env.example that documents ' +
      'the variables with placeholder values.',
    messages: {
      trackedIgnored:
        '{{file}} is matched by .gitignore but git still tracks it, with `{{secret}}` in it: ignoring does not untrack. Run `{{rm}}` and rotate the secrets it held.',
      tracked:
        '{{file}} is committed to git with `{{secret}}` in it. Add `.env`, `.env.*` and `!.env.example` to {{gitignore}}, run `{{rm}}` and rotate the secrets it held.',
      untracked:
        '{{file}} holds `{{secret}}` and is not matched by .gitignore, so `git add .` would commit it. Add `.env`, `.env.*` and `!.env.example` to {{gitignore}}.',
    },
    looksAt: [
      '`.env`, `.env.*`, `*.env`, `.envrc` files (not templates) and whether git would commit them; a committed one only when it holds a secret-named variable with a real-looking value or a connection to a real host off the machine',
    ],
    examples: {
      good: [
        { file: '.env.production', code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n', git: { inGit: true, tracked: false, ignored: true } },
        { file: '.env.example', code: 'DATABASE_URL=postgresql://app:<password>@<host>:5432/postgres?sslmode=verify-full&sslrootcert=/path/to/ca.crt\n', git: { inGit: true, tracked: true, ignored: false } },
        { file: '.envrc', code: 'use devenv\n', git: { inGit: true, tracked: true, ignored: false } },
        { file: '.env.test', code: 'DATABASE_URL=postgres://test:test@localhost:5432/test\nSESSION_SECRET=test\n', git: { inGit: true, tracked: true, ignored: false } },
      ],
      bad: [
        { file: '.env.production', code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n', git: { inGit: true, tracked: true, ignored: false }, findings: 1 },
        { file: '.env', code: 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n', git: { inGit: true, tracked: false, ignored: false }, findings: 1 },
      ],
    },
  },

  check(facts, ctx) {
    for (const f of facts.ofKind('file')) {
      if (f.fileKind !== 'env' || !wouldCommit(f)) continue;
      // A file that holds no secret and no real connection (`use devenv`, values all `test`)
      // leaks nothing, committed or about to be.
      if (!f.secret) continue;
      const messageId = isTrackedButIgnored(f) ? 'trackedIgnored' : f.tracked ? 'tracked' : 'untracked';
      ctx.report({ fact: f, messageId, data: { file: f.file, secret: f.secret ?? '', ...gitFix(f) } });
    }
  },
});
