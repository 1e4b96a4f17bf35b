import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as pgParse } from 'pg-connection-string';
import { parseConnectionString } from '../../src/connection/parse.js';
import { findConnectionStrings } from '../../src/connection/find.js';
import { maskConnectionString, maskSecrets } from '../../src/connection/mask.js';
import type { ParsedConnection, Range } from '../../src/connection/types.js';

// Characters that matter to the grammars, so generated strings reach the deep paths.
const SYNTAX = [...'postgresql+jdbc:/@[]{}$%2F3A0x,?&=\'"\\ .-_<>()*#!~', 'postgres://', 'postgresql://', '${', '%25', '%2F', '%00', 'host=', 'password=', ' dbname='];
const syntaxString = fc.string({ unit: fc.constantFrom(...SYNTAX), maxLength: 60 });
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), syntaxString);

function rangesOf(c: ParsedConnection): Range[] {
  const out: Range[] = [];
  for (const h of c.hosts) {
    out.push(h);
    if (h.portRange) out.push(h.portRange);
  }
  if (c.password) out.push(c.password);
  for (const p of c.params) out.push(p, p.keyRange);
  return out;
}

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const lowerWord = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);
/** Passwords start with `S3`, which no other generated component can contain. */
const password = fc.string({ unit: fc.constantFrom(...'abcXYZ019!#$&()*+,/:;=?@[]-._~%^ '), minLength: 4, maxLength: 24 }).map((s) => `S3${s}`);
const port = fc.integer({ min: 1, max: 65535 });
const sslParams = fc.subarray(['sslmode=verify-full', 'sslmode=require', 'application_name=api', 'connect_timeout=10', 'channel_binding=require']);

describe('properties', () => {
  it('parseConnectionString never throws and every range lies inside the text', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const r = parseConnectionString(text);
        if (!r.ok) {
          expect(typeof r.error).toBe('string');
          if (r.offset !== undefined) expect(r.offset >= 0 && r.offset <= text.length).toBe(true);
          return;
        }
        for (const range of rangesOf(r.connection)) {
          expect(range.start >= 0 && range.start <= range.end && range.end <= text.length).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('findConnectionStrings returns valid ranges whose text is the slice', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        for (const f of findConnectionStrings(value)) {
          expect(f.start >= 0 && f.start < f.end && f.end <= value.length).toBe(true);
          expect(value.slice(f.start, f.end)).toBe(f.text);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a URI embedded in prose exactly', () => {
    fc.assert(
      fc.property(lowerWord, hostname, port, lowerWord, fc.constantFrom(' ', '"', "'", '`', '\n', ' (', '='), (user, host, p, db, open) => {
        const uri = `postgresql://${user}@${host}:${p}/${db}`;
        const close = { ' (': ').', '"': '"', "'": "'", '`': '`' }[open] ?? '. ';
        const value = `connect via${open}${uri}${close} then`;
        expect(findConnectionStrings(value).map((f) => f.text)).toEqual([uri]);
      }),
    );
  });

  it('masking never returns the password, percent-encoded or raw, in URIs and DSNs', () => {
    fc.assert(
      fc.property(lowerWord, password, hostname, port, lowerWord, sslParams, (user, pw, host, p, db, params) => {
        const query = params.length ? `?${params.join('&')}` : '';
        const encoded = `postgresql://${user}:${encodeURIComponent(pw)}@${host}:${p}/${db}${query}`;
        const raw = `postgres://${user}:${pw}@${host}:${p}/${db}${query}`;
        const inQuery = `jdbc:postgresql://${host}:${p}/${db}?user=${user}&password=${encodeURIComponent(pw)}`;
        const dsn = `host=${host} port=${p} user=${user} password='${pw.replace(/[\\']/g, '\\$&')}' dbname=${db}`;
        for (const text of [encoded, raw, inQuery, dsn]) {
          const masks = [maskConnectionString(text)];
          // In free text a raw password with both a blank and a `/` cannot be delimited; every other one must be.
          if (!(text === raw && /\s/.test(pw) && pw.includes('/'))) masks.push(maskSecrets(`error in ${text} (line 3)`));
          for (const masked of masks) {
            expect(masked).not.toContain(pw);
            expect(masked).not.toContain(encodeURIComponent(pw));
            expect(masked).not.toContain('S3');
          }
        }
        for (const text of [raw, dsn]) {
          const r = parseConnectionString(text);
          if (!r.ok) expect(r.error).not.toContain('S3');
        }
        expect(maskConnectionString(encoded)).toBe(`postgresql://${user}:****@${host}:${p}/${db}${query}`);
      }),
      { numRuns: 500 },
    );
  });

  it('masking never throws on arbitrary text', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(typeof maskConnectionString(text)).toBe('string');
        expect(typeof maskSecrets(text)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('differential: agrees with pg-connection-string on simple URIs', () => {
  // Never with sslrootcert/sslcert/sslkey: pg-connection-string would read those files.
  const credential = fc.string({ unit: fc.constantFrom(...'abcXYZ019!$&()*+,;=:-._~@/?#[] %'), minLength: 1, maxLength: 16 });
  it('host, port, user, password and database match', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('postgres', 'postgresql'),
        fc.option(lowerWord, { nil: undefined }),
        fc.option(credential, { nil: undefined }),
        hostname,
        fc.option(port, { nil: undefined }),
        fc.option(lowerWord, { nil: undefined }),
        sslParams,
        (scheme, user, pw, host, p, db, params) => {
          const userinfo = user !== undefined ? `${user}${pw !== undefined ? `:${encodeURIComponent(pw)}` : ''}@` : '';
          const uri = `${scheme}://${userinfo}${host}${p !== undefined ? `:${p}` : ''}${db !== undefined ? `/${db}` : ''}${params.length ? `?${params.join('&')}` : ''}`;
          const ours = parseConnectionString(uri);
          expect(ours.ok).toBe(true);
          if (!ours.ok) return;
          const theirs = pgParse(uri);
          const c = ours.connection;
          expect(c.hosts.map((h) => h.host)).toEqual([theirs.host]);
          expect(c.hosts[0]!.port).toBe(theirs.port ? Number(theirs.port) : undefined);
          expect(c.user ?? '').toBe(theirs.user ?? '');
          expect(c.password?.value ?? '').toBe(theirs.password ?? '');
          expect(c.database ?? null).toBe(theirs.database ?? null);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('linear time on adversarial 100k-character input', () => {
  const inputs: Array<[string, string]> = [
    ['many hosts', 'postgres://' + ','.repeat(100_000)],
    ['unclosed groups', 'postgres://' + '${'.repeat(50_000)],
    ['unclosed brackets', 'postgres://' + '['.repeat(100_000)],
    ['many @ and :', 'postgres://' + '@:'.repeat(50_000)],
    ['many escapes', 'postgres://h/' + '%41'.repeat(33_000)],
    ['many query parameters without =', 'postgres://h/db?' + 'a&'.repeat(50_000)],
    ['many password keywords', 'password='.repeat(11_000)],
    ['many URIs of other schemes', 'x://'.repeat(25_000)],
    ['many PEM headers', '-----BEGIN '.repeat(9_000)],
    ['many unterminated private keys', '-----BEGIN PRIVATE KEY-----\n'.repeat(3_500)],
    ['unclosed groups in a userinfo', 'postgres://u:' + '${'.repeat(50_000) + '@h/db'],
    ['long DSN value', "host=h dbname='" + 'x'.repeat(100_000) + "'"],
    ['many DSN pairs', 'host=h ' + 'a=b '.repeat(25_000)],
  ];
  it.each(inputs)('%s', (_name, text) => {
    // Best of a few runs: JIT warm-up and a busy machine are not the algorithm. A quadratic scan of
    // 100k characters takes seconds on every run.
    for (const fn of [parseConnectionString, maskConnectionString, maskSecrets, findConnectionStrings] as Array<(s: string) => unknown>) {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        fn(text);
        best = Math.min(best, performance.now() - t0);
      }
      expect(best).toBeLessThan(250);
    }
  });
});
