import { describe, expect, it } from 'vitest';
import rule from '../../rules/cert-expiry.js';
import { certificate, runRule } from '../helpers/facts.js';

const NOW = new Date('2027-03-01T12:00:00Z');

describe('cert-expiry', () => {
  it('has the contracted id', () => {
    expect(rule.meta.id).toBe('cert-expiry');
  });

  it('reports an expired certificate as an error with the date, the days since and the subject', () => {
    const c = certificate({ subject: 'O=Acme Corp, CN=Acme Postgres Root CA 2020', notAfter: '2021-01-01T00:00:00.000Z' });
    const found = runRule(rule, [c], { now: NOW });
    expect(found.map((f) => f.severity)).toEqual(['error']);
    expect(found[0]!.message).toBe(
      'Certificate "O=Acme Corp, CN=Acme Postgres Root CA 2020" expired on 2021-01-01 (2250 days ago): clients that verify against it fail. Renew it and deploy the new certificate.',
    );
  });

  it('says "1 day ago" for yesterday', () => {
    const found = runRule(rule, [certificate({ notAfter: '2027-02-28T06:00:00.000Z' })], { now: NOW });
    expect(found[0]!.message).toContain('expired on 2027-02-28 (1 day ago)');
  });

  it('warns within certExpiryDays with the date and the days left', () => {
    const found = runRule(rule, [certificate({ notAfter: '2027-03-21T12:00:00.000Z' })], { now: NOW });
    expect(found.map((f) => f.severity)).toEqual(['warning']);
    expect(found[0]!.message).toBe(
      'Certificate "O=Acme Corp, CN=Acme Postgres Root CA" expires on 2027-03-21, in 20 days. Renew it before then and deploy the new certificate.',
    );
  });

  it('honours the configured window, inclusive at its edge', () => {
    const in31 = certificate({ notAfter: '2027-04-01T12:00:00.000Z' });
    const in30 = certificate({ notAfter: '2027-03-31T12:00:00.000Z' });
    expect(runRule(rule, [in31, in30], { now: NOW }).map((f) => f.fact)).toEqual([in30]);
    expect(runRule(rule, [in31], { now: NOW, config: { certExpiryDays: 60 } })).toHaveLength(1);
    expect(runRule(rule, [in30], { now: NOW, config: { certExpiryDays: 7 } })).toEqual([]);
  });

  it('rounds a partial day left up', () => {
    const found = runRule(rule, [certificate({ notAfter: '2027-03-01T18:00:00.000Z' })], { now: NOW });
    expect(found[0]!.message).toContain('in 1 day.');
  });

  it('accepts certificates valid beyond the window and ignores unreadable dates', () => {
    expect(runRule(rule, [certificate({ notAfter: '2126-11-02T06:12:15.000Z' }), certificate({ notAfter: 'not a date' })], { now: NOW })).toEqual([]);
  });
});

describe('cert-expiry on a CA bundle', () => {
  it('reports a bundle of many roots with expired ones once, as stale, naming them', () => {
    const roots = Array.from({ length: 8 }, (_, i) =>
      certificate({ file: 'docker/ca-certificates.crt', subject: `CN=Public Root ${i}`, notAfter: i < 2 ? '2026-01-01T00:00:00.000Z' : '2035-01-01T00:00:00.000Z' }),
    );
    const found = runRule(rule, roots, { now: NOW });
    expect(found.map((f) => [f.messageId, f.severity])).toEqual([['staleBundle', 'warning']]);
    expect(found[0]!.message).toBe(
      'CA bundle docker/ca-certificates.crt holds 2 expired of its 8 certificates ("CN=Public Root 0", "CN=Public Root 1"): the bundle is stale, not broken (clients verify against the roots still valid). Replace it with a current bundle (your OS\'s ca-certificates, or the provider\'s published bundle).',
    );
  });

  it('still reports an expired certificate of a small chain on its own', () => {
    const chain = [certificate({ file: 'certs/chain.pem', notAfter: '2026-01-01T00:00:00.000Z' }), certificate({ file: 'certs/chain.pem', notAfter: '2035-01-01T00:00:00.000Z' })];
    expect(runRule(rule, chain, { now: NOW }).map((f) => f.messageId)).toEqual(['expired']);
  });
});
