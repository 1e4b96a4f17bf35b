import { consumerOf } from '../src/policy/consumers.js';
import { defineRule } from '../src/engine/rule.js';
import type { FactSet } from '../src/engine/rule.js';
import type { SettingFact } from '../src/model.js';
import {
  describeUnit,
  effectiveSslMode,
  hasCaInCode,
  hostLabel,
  isOffMachine,
  modeOfSetting,
  settingConnections,
  unitSettings, isTlsOverHttps } from '../src/policy/connection.js';

const FAILS = 'libpq then looks for ~/.postgresql/root.crt and fails without it ("root certificate file does not exist")';

function isVerifying(mode: string): boolean {
  return mode === 'verify-ca' || mode === 'verify-full';
}

/**
 * A verifying PGSSLMODE whose unit names no root certificate anywhere: not in its own unit, not in
 * a unit that inherits it (a compose service giving the image's `ENV PGSSLMODE` its PGSSLROOTCERT),
 * not in a connection it applies to.
 */
function settingLacksRootCert(facts: FactSet, s: SettingFact): boolean {
  if (!isVerifying(modeOfSetting(s))) return false;
  for (const unit of [s.unit, ...(s.unit ? (facts.usersOf?.(s.unit.id) ?? []) : [])]) {
    if (unitSettings(facts, unit, 'sslrootcert').length > 0) return false;
  }
  if (settingConnections(facts, s).some((c) => c.sslrootcert)) return false;
  return !hasCaInCode(facts, s);
}

export default defineRule({
  meta: {
    id: 'require-root-cert',
    description: 'sslmode=verify-ca and verify-full need a root certificate: sslrootcert in the string, PGSSLROOTCERT, or `ca` in code.',
    defaultSeverity: 'warning',
    rationale:
      'Verification needs something to verify against. Without sslrootcert, libpq reads ~/.postgresql/root.crt, which exists on ' +
      'one developer\'s laptop and nowhere else, so the connection works locally and fails in the container, the CI job or the ' +
      "MCP client. Name the CA file explicitly, or use sslrootcert=system (libpq 16+) to trust the operating system's CA store.",
    messages: {
      connection:
        'Connection to {{host}} uses {{mode}} but names no root certificate: ' + FAILS + '. ' +
        "Set sslrootcert=/absolute/path/ca.crt, or sslrootcert=system to trust the operating system's CA store (libpq 16+).",
      setting:
        '{{written}} but {{scope}} names no root certificate: ' + FAILS + '. ' +
        "Set PGSSLROOTCERT=/absolute/path/ca.crt, or PGSSLROOTCERT=system to trust the operating system's CA store (libpq 16+).",
    },
    looksAt: [
      'connections and sslmode settings with verify-ca or verify-full',
      '`sslrootcert`, `PGSSLROOTCERT` in the unit and in the units that inherit it, `ca` in TS/JS; node-postgres `ssl=true` and `DB_SSL=true` use the system\'s CAs and need none',
    ],
    examples: {
      good: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n',
        },
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  worker:\n' +
            '    image: ghcr.io/acme/worker:2.0.1\n' +
            '    environment:\n' +
            '      DATABASE_URL: postgres://worker:${DB_PASSWORD}@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders\n' +
            '      PGSSLMODE: verify-full\n' +
            '      PGSSLROOTCERT: /run/secrets/rds-ca.pem\n',
        },
      ],
      bad: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full\n',
          findings: 1,
        },
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  worker:\n' +
            '    image: ghcr.io/acme/worker:2.0.1\n' +
            '    environment:\n' +
            '      DATABASE_URL: postgres://worker:${DB_PASSWORD}@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders\n' +
            '      PGSSLMODE: verify-full\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const c of facts.ofKind('connection')) {
      // A Python call's TLS keyword arguments replace the string's: they are judged in code.
      if (c.tlsInCode) continue;
      if (isTlsOverHttps(c)) continue;
      if (!isOffMachine(c) || c.sslrootcert) continue;
      // Only libpq fails without a root certificate file: node-postgres, knex and deno-postgres check
      // against the system's CAs, postgres.js ignores the file, Prisma ignores verify-full (prisma-ssl).
      const consumer = consumerOf(c);
      if (consumer && consumer !== 'libpq') continue;
      const eff = effectiveSslMode(c, facts);
      // node-postgres `ssl=true` and an application's `DB_SSL=true` verify against the system's CAs.
      if (!eff || !isVerifying(eff.mode) || eff.systemCa) continue;
      // A mode inherited from PGSSLMODE is reported on the setting when the whole unit lacks a root certificate.
      if (eff.setting && settingLacksRootCert(facts, eff.setting)) continue;
      if (unitSettings(facts, c.unit, 'sslrootcert').length > 0 || hasCaInCode(facts, c)) continue;
      ctx.report({ fact: c, span: eff.origin === 'setting' ? c.span : eff.span, messageId: 'connection', data: { host: hostLabel(c), mode: eff.origin === 'sslmode' ? eff.written : `${eff.mode} (${eff.written})` } });
    }

    for (const s of facts.ofKind('setting')) {
      if (s.category !== 'sslmode' || !settingLacksRootCert(facts, s)) continue;
      // A chart's default (`sslMode: verify-full` beside an empty host and a root-certificate slot)
      // configures no connection yet: the values that set the host are where a missing CA shows.
      if (s.format === 'helm-values' && settingConnections(facts, s).length === 0) continue;
      ctx.report({ fact: s, messageId: 'setting', data: { written: `${s.name}=${s.value ?? ''}`, scope: describeUnit(s.unit) } });
    }
  },
});
