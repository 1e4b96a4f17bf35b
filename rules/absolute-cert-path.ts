import { isTlsOverHttps } from '../src/policy/connection.js';
import { defineRule } from '../src/engine/rule.js';
import type { FileFormat } from '../src/model.js';
import { isRelativePath } from '../src/policy/paths.js';
import { consumerOf } from '../src/policy/consumers.js';

const PARAMS = ['sslrootcert', 'sslcert', 'sslkey'] as const;
/** Formats whose process starts somewhere other than the repository. */
const SETTING_FORMATS: ReadonlySet<FileFormat> = new Set(['mcp', 'compose', 'kubernetes', 'dockerfile', 'helm-values']);

function whoseDirectory(format: FileFormat): string {
  if (format === 'mcp') return "the MCP client's working directory";
  if (format === 'compose' || format === 'kubernetes' || format === 'dockerfile' || format === 'helm-values') return "the container's working directory";
  return "the working directory of the process that connects";
}

export default defineRule({
  meta: {
    id: 'absolute-cert-path',
    description: 'sslrootcert, sslcert and sslkey, and certificate path variables (*SSL_CERT_PATH*, *_SSL_CA*), must be absolute paths.',
    defaultSeverity: 'warning',
    rationale:
      'libpq resolves a relative certificate path against the current working directory of the process that connects, not ' +
      'against the file that names it. An MCP client starts servers in its own directory (often / or the home directory), a ' +
      'container in its WORKDIR, so `certs/ca.crt` that works from the repository root fails everywhere else, typically with ' +
      '"could not read root certificate file".',
    messages: {
      relative:
        '{{name}}={{value}} is a relative path: libpq resolves it against {{who}}, which is not the repository. ' +
        'Write an absolute path (e.g. {{name}}=/etc/ssl/postgres/{{example}}).',
      relativeVariable:
        '{{name}}={{value}} is a relative path: the program that reads it resolves it against {{who}}, which is not the repository. ' +
        'Write an absolute path (e.g. {{name}}=/etc/ssl/postgres/{{example}}).',
    },
    looksAt: [
      '`sslrootcert`, `sslcert`, `sslkey` in every connection string',
      '`PGSSLROOTCERT`/`PGSSLCERT`/`PGSSLKEY` and certificate path variables (`*SSL_CERT_PATH*`, `*_SSL_CA*`, `DB_SSL__CA_FILE`) in MCP configs, compose, Kubernetes, Dockerfiles and Helm values',
    ],
    examples: {
      good: [
        {
          file: '.cursor/mcp.json',
          code:
            '{\n' +
            '  "mcpServers": {\n' +
            '    "postgres": {\n' +
            '      "command": "npx",\n' +
            '      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/Users/dev/certs/supabase-ca.crt"]\n' +
            '    }\n' +
            '  }\n' +
            '}\n',
        },
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  api:\n' +
            '    image: ghcr.io/acme/api:1.4.2\n' +
            '    environment:\n' +
            '      PGSSLROOTCERT: /run/secrets/db-ca.crt\n' +
            '    secrets:\n' +
            '      - db-ca.crt\n' +
            'secrets:\n' +
            '  db-ca.crt:\n' +
            '    file: ./certs/ca.crt\n',
        },
      ],
      bad: [
        {
          file: '.cursor/mcp.json',
          code:
            '{\n' +
            '  "mcpServers": {\n' +
            '    "postgres": {\n' +
            '      "command": "npx",\n' +
            '      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=certs/supabase-ca.crt"]\n' +
            '    }\n' +
            '  }\n' +
            '}\n',
          findings: 1,
        },
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  api:\n' +
            '    image: ghcr.io/acme/api:1.4.2\n' +
            '    environment:\n' +
            '      PGSSLROOTCERT: ./certs/ca.crt\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const c of facts.ofKind('connection')) {
      if (isTlsOverHttps(c)) continue;
      // Prisma resolves certificate paths against the schema's own directory, not the working directory.
      if (consumerOf(c) === 'prisma') continue;
      for (const name of PARAMS) {
        const p = c[name];
        if (!p || !isRelativePath(p.value)) continue;
        ctx.report({
          fact: c,
          span: p.span,
          messageId: 'relative',
          data: { name, value: p.value, who: whoseDirectory(c.format), example: exampleFile(name) },
        });
      }
    }
    for (const s of facts.ofKind('setting')) {
      if (s.category !== 'sslrootcert' && s.category !== 'sslcert' && s.category !== 'sslkey' && s.category !== 'cert-path') continue;
      if (!SETTING_FORMATS.has(s.format) || s.value === undefined || !isRelativePath(s.value)) continue;
      // libpq reads PGSSLROOTCERT and friends; an application reads its own `DB_SSL_CERT_PATH`.
      const variable = s.category === 'cert-path';
      ctx.report({
        fact: s,
        span: s.valueSpan,
        messageId: variable ? 'relativeVariable' : 'relative',
        data: { name: s.name, value: s.value, who: whoseDirectory(s.format), example: exampleFile(s.category === 'cert-path' ? certPathKind(s.name) : s.category) },
      });
    }
  },
});

/** What a certificate path variable most likely names, by its name. */
function certPathKind(name: string): 'sslrootcert' | 'sslcert' | 'sslkey' {
  if (/KEY/i.test(name)) return 'sslkey';
  return /(^|_)CA|ROOT/i.test(name) ? 'sslrootcert' : 'sslcert';
}

function exampleFile(kind: 'sslrootcert' | 'sslcert' | 'sslkey'): string {
  return kind === 'sslrootcert' ? 'ca.crt' : kind === 'sslcert' ? 'client.crt' : 'client.key';
}
