import { describe, expect, it } from 'vitest';
import { findConnectionStrings } from '../../src/connection/find.js';

const texts = (value: string) => findConnectionStrings(value).map((f) => f.text);

describe('findConnectionStrings: URIs inside values', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a whole value', 'postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres', ['postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres']],
    [
      'a psql command line in a package.json script',
      'psql "postgres://app:pw@localhost:5432/app?sslmode=disable" -f schema.sql && psql postgresql:///other',
      ['postgres://app:pw@localhost:5432/app?sslmode=disable', 'postgresql:///other'],
    ],
    ['prose ending with a period', 'Connect with postgres://u@db.exemplar.io/app.', ['postgres://u@db.exemplar.io/app']],
    ['inside parentheses', 'the URL (postgresql://h.exemplar.io:5432/db) is used', ['postgresql://h.exemplar.io:5432/db']],
    ['balanced brackets stay', 'postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres]', ['postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres']],
    ['variable references stay inside', 'DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app;', ['postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app']],
    ['a JSON string', '{"url":"jdbc:postgresql://reporting:5432/wh?ssl=true"}', ['jdbc:postgresql://reporting:5432/wh?ssl=true']],
    ['backtick-quoted markdown', 'use `postgresql+psycopg://u@h/db` here', ['postgresql+psycopg://u@h/db']],
    ['markdown autolink and HTML', '<postgres://h.exemplar.io/db> <value>postgres://x.exemplar.io/y</value>', ['postgres://h.exemplar.io/db', 'postgres://x.exemplar.io/y']],
    ['angle-bracket placeholders in component positions', 'postgresql://<user>:<password>@<host>:5432/<db>', ['postgresql://<user>:<password>@<host>:5432/<db>']],
    ['upper-case scheme', 'URL=POSTGRES://H.EXAMPLE.COM/DB', ['POSTGRES://H.EXAMPLE.COM/DB']],
    ['several in a YAML block scalar', 'primary: postgres://a.exemplar.io/db\nreplica: postgres://b.exemplar.io/db\n', ['postgres://a.exemplar.io/db', 'postgres://b.exemplar.io/db']],
    ['scheme glued to a word is not a URI', 'mypostgres://h/db and xpostgresql://h/db', []],
    ['a bare scheme with nothing after it', 'we support postgres:// and postgresql:// URLs', []],
    ['the word postgres alone', 'postgres is a database; POSTGRES_PASSWORD=x', []],
    ['unicode whitespace ends a URI', 'postgres://h.exemplar.io/db\u00a0next', ['postgres://h.exemplar.io/db']],
  ];
  it.each(cases)('%s', (_name, value, expected) => {
    expect(texts(value)).toEqual(expected);
  });

  it('returns exact ranges into the value', () => {
    const value = 'run: psql "postgresql://u:p@h:5432/d" ok';
    expect(findConnectionStrings(value)).toEqual([{ start: 11, end: 36, text: 'postgresql://u:p@h:5432/d', form: 'uri' }]);
    expect(value.slice(11, 36)).toBe('postgresql://u:p@h:5432/d');
  });
});

describe('findConnectionStrings: keyword/value DSNs', () => {
  it('returns the trimmed whole value with its offsets', () => {
    const value = "  host=db.exemplar.io port=5432 dbname=app user=me password='x y' sslmode=verify-full\n";
    expect(findConnectionStrings(value)).toEqual([
      { start: 2, end: 85, text: "host=db.exemplar.io port=5432 dbname=app user=me password='x y' sslmode=verify-full", form: 'dsn' },
    ]);
  });

  const cases: Array<[string, string, boolean]> = [
    ['host and sslmode', 'host=localhost sslmode=disable', true],
    ['dbname and user', 'dbname=app user=me', true],
    ['hostaddr and port', 'hostaddr=192.0.2.7 port=5432', true],
    ['unterminated quote still counts (the parser reports it)', "host=h dbname=d password='abc", true],
    ['a single PG setting', 'PGSSLMODE=require', false],
    ['one keyword only', 'host=db.exemplar.io', false],
    ['unknown keywords', 'a=b c=d', false],
    ['two keywords without host, hostaddr or dbname', 'user=me sslmode=require', false],
    ['keywords are case-sensitive in libpq', 'HOST=h DBNAME=d', false],
    ['prose with keywords inside', 'set host=h and dbname=d', false],
  ];
  it.each(cases)('%s → %s', (_name, value, isDsn) => {
    expect(findConnectionStrings(value).map((f) => f.form)).toEqual(isDsn ? ['dsn'] : []);
  });
});

describe('findConnectionStrings: performance on adversarial input', () => {
  const adversarial: Array<[string, string]> = [
    ['scheme prefixes repeated', 'postgres+'.repeat(12_000)],
    ['schemes repeated', 'postgres://'.repeat(10_000)],
    ['unclosed placeholders', 'postgres://' + '<a'.repeat(50_000)],
    ['closing brackets to trim', 'postgres://h/' + ')'.repeat(100_000)],
    ['keyword soup', 'host=' + 'a=b '.repeat(25_000)],
    ['unterminated quote', "host=h dbname='" + 'x'.repeat(100_000)],
    ['jdbc prefixes', 'jdbc:'.repeat(20_000) + 'postgresql://h'],
  ];
  it.each(adversarial)('%s stays under 100 ms', (_name, value) => {
    // The best of a few runs measures the algorithm, not JIT warm-up or a busy machine; a
    // quadratic scan of 100k characters takes seconds on every run.
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      findConnectionStrings(value);
      best = Math.min(best, performance.now() - t0);
    }
    expect(best).toBeLessThan(100);
  });
});
