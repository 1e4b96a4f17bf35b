import { defineRule } from '../src/engine/rule.js';
import { PRODUCTION_DEPLOYMENT_ENV } from '../src/docs/example-manifests.js';
import type { ConnectionFact, Fact } from '../src/model.js';
import { hostLabel, isAllLocal, isOffMachine, isProductionOrStaging, settingConnections } from '../src/policy/connection.js';
import { isKeptOutOfGit } from '../src/policy/git.js';
import { isBarePasswordName, isDatabasePasswordName, looksGenerated, namesDatabase } from '../src/policy/env-secrets.js';
import { isTemplatePath } from '../src/discovery/kinds.js';

/** Where the password should come from instead, in the file's own terms. */
function fixFor(fact: Fact): string {
  // A template is meant to be committed: what it must not hold is a real password.
  if (isTemplatePath((fact.writtenIn ? fact.via?.[0]?.file : undefined) ?? fact.file)) {
    return 'This template is copied by everyone who sets the project up: write a placeholder (`<password>`) instead, and rotate the password it held.';
  }
  // A value used elsewhere is fixed where it is written.
  if ((fact.writtenIn ?? fact.unit)?.kind === 'k8s-secret') {
    return 'Keep the Secret out of git: create it from the cluster (kubectl create secret) or commit it encrypted with sealed-secrets, or sync it with external-secrets.';
  }
  switch (fact.format) {
    case 'kubernetes':
      return 'Put it in a Secret and reference it with `valueFrom.secretKeyRef`.';
    case 'compose':
      return 'Use compose `secrets:`, or `${DB_PASSWORD}` taken from an uncommitted .env file.';
    case 'mcp':
      return 'Use an environment reference instead: `${env:DB_PASSWORD}`, or `${input:db-password}` in VS Code.';
    case 'env':
      return 'Keep this .env file out of git (.gitignore) and commit a .env.example with a placeholder instead.';
    case 'source':
      return /\.py$/i.test(fact.file)
        ? "Read it from the environment (e.g. os.environ['DB_PASSWORD']) and keep the value out of the repository."
        : 'Read it from process.env (e.g. process.env.DB_PASSWORD) and keep the value out of the repository.';
    case 'package-json':
      return 'Read it from process.env (e.g. process.env.DB_PASSWORD) and keep the value out of the repository.';
    default:
      return 'Read it from the environment or a secret manager instead of writing it into the file.';
  }
}

/**
 * A bare `password` / `pass` is a database's when its block holds a connection (`data.db.host` beside
 * `data.db.pass`) or is named for one; an env-style one (`PASSWORD`) when its unit connects or is
 * named for a database. `smtp.pass` beside `smtp.host` is not.
 */
function bareBelongsToDatabase(name: string, conns: readonly ConnectionFact[], unitName: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return conns.length > 0 || namesDatabase(unitName);
  const stem = name.slice(0, dot + 1);
  return namesDatabase(stem) || conns.some((c) => c.variable?.startsWith(stem));
}

function isLiteral(value: string | undefined, placeholder: boolean): value is string {
  return value !== undefined && value !== '' && !placeholder;
}

export default defineRule({
  meta: {
    id: 'no-plaintext-password',
    description: 'Database passwords must not be written in files that git commits.',
    defaultSeverity: 'error',
    rationale:
      'A password in a committed file is readable by everyone with access to the repository, its forks, CI logs and every ' +
      'clone, forever: removing it later does not remove it from history. Reference it instead (a Kubernetes Secret, compose ' +
      'secrets, an environment variable) and rotate any password that was ever committed.',
    messages: {
      connection: 'Connection to {{host}} ({{masked}}) contains a literal password. {{fix}}',
      setting: '{{name}} holds a literal password. {{fix}}',
      configMap:
        'ConfigMap `{{unit}}` holds a connection string with a literal password ({{masked}}); ConfigMaps are not secret. ' +
        'Move the password to a Secret and reference it with `valueFrom.secretKeyRef`.',
    },
    looksAt: [
      'passwords in connection strings (a `${VAR:-default}` counts as its default) and `*PASSWORD*` variables / Helm `*password` keys, in files git would commit',
      'judged where the unit has a remote connection or runs in production or staging; ConfigMaps and committed Secrets always',
    ],
    examples: {
      good: [
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  api:\n' +
            '    image: ghcr.io/acme/api:1.4.2\n' +
            '    environment:\n' +
            '      DATABASE_URL: postgres://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/run/secrets/supabase-ca.crt\n',
        },
        {
          file: 'k8s/production/deploy.yaml',
          code:
            PRODUCTION_DEPLOYMENT_ENV +
            '            - name: PGPASSWORD\n' +
            '              valueFrom:\n' +
            '                secretKeyRef: { name: orders-db, key: password }\n',
        },
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:s3cr3t-Pr0d-pw@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n',
          git: { inGit: true, tracked: false, ignored: true },
        },
      ],
      bad: [
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  api:\n' +
            '    image: ghcr.io/acme/api:1.4.2\n' +
            '    environment:\n' +
            '      DATABASE_URL: postgres://app:Xk9vL2mQ7pR4@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/run/secrets/supabase-ca.crt\n',
          findings: 1,
        },
        {
          file: 'k8s/production/deploy.yaml',
          code:
            PRODUCTION_DEPLOYMENT_ENV +
            '            - name: PGPASSWORD\n' +
            '              value: Xk9vL2mQ7pR4\n',
          findings: 1,
        },
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:Xk9vL2mQ7pR4@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n',
          git: { inGit: true, tracked: true, ignored: false },
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const c of facts.ofKind('connection')) {
      if (!c.password.present || c.password.placeholder || isKeptOutOfGit(facts, c.file)) continue;
      if (isTemplatePath(c.file) && !c.password.generated) continue;
      const home = c.writtenIn ?? c.unit;
      if (home?.kind === 'k8s-configmap') {
        ctx.report({ fact: c, ...(c.password.span ? { span: c.password.span } : {}), messageId: 'configMap', data: { unit: home.name, masked: c.masked } });
        continue;
      }
      if (isAllLocal(c)) continue;
      ctx.report({
        fact: c,
        ...(c.password.span ? { span: c.password.span } : {}),
        messageId: 'connection',
        data: { host: hostLabel(c), masked: c.masked, fix: fixFor(c) },
      });
    }

    for (const s of facts.ofKind('setting')) {
      if (s.category !== 'password' || !isLiteral(s.value, s.placeholder) || isKeptOutOfGit(facts, s.file)) continue;
      // SMTP, MinIO, dashboard passwords and `PASSWORD_RESET_DISABLED` are not a database's.
      const conns = settingConnections(facts, s);
      if (!isDatabasePasswordName(s.name) && !(isBarePasswordName(s.name) && bareBelongsToDatabase(s.name, conns, (s.writtenIn ?? s.unit)?.name ?? ''))) continue;
      // A template's defaults are replaced by whoever copies it; only a generated-looking one leaked.
      if (isTemplatePath(s.file) && !looksGenerated(s.value)) continue;
      if (conns.length > 0 && conns.every(isAllLocal)) continue;
      const judged =
        conns.some(isOffMachine) ||
        (conns.length === 0 && isProductionOrStaging(s.environment)) ||
        // Committed Secrets, and ConfigMaps, which are not even meant to be secret.
        (s.writtenIn ?? s.unit)?.kind === 'k8s-secret' ||
        (s.writtenIn ?? s.unit)?.kind === 'k8s-configmap';
      if (!judged) continue;
      ctx.report({ fact: s, span: s.valueSpan, messageId: 'setting', data: { name: s.name, fix: fixFor(s) } });
    }
  },
});
