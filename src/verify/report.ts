// verify's two outputs: lines for people, and the VerifyReport as JSON for programs.
import { maskSecrets } from '../connection/mask.js';
import type { CertificateInfo, HostReport, ModeResult, VerifyReport } from './types.js';

const OK = '✔';
const BAD = '✖';
const WARN = '!';

export function formatVerifyJson(report: VerifyReport): string {
  // Everything in the report is built from masked text; masking again is the last line of defence.
  return maskSecrets(JSON.stringify(report, null, 2)) + '\n';
}

export function formatVerifyText(report: VerifyReport): string {
  const out: string[] = [];
  const t = report.target;
  out.push(`Verifying ${t.connection}`);
  if (t.source) out.push(`  from          ${t.source.file}:${t.source.line}:${t.source.column}${t.source.variable ? ` (${t.source.variable})` : t.source.unit ? ` (${t.source.unit})` : ''}`);
  out.push(`  environment   ${t.environment.name} (${t.environment.reason})`);
  out.push(`  sslmode       ${t.configuredMode.mode}${t.configuredMode.written !== `sslmode=${t.configuredMode.mode}` ? ` (${t.configuredMode.written})` : ''}`);
  if (t.sslrootcert) out.push(`  sslrootcert   ${t.sslrootcert.value} (${t.sslrootcert.from})`);
  if (t.consumer) out.push(`  client        ${t.consumer}`);
  for (const h of report.hosts) out.push('', ...hostLines(h));
  out.push('');
  const n = report.hosts.length;
  const summary = `${n} host${n === 1 ? '' : 's'}, ${(report.durationMs / 1000).toFixed(1)} s`;
  if (report.loginFailed) {
    // TLS and the login are two verdicts: say each on its own line.
    out.push(report.meetsPolicy ? `${OK} TLS meets the policy (${summary})` : `${BAD} TLS does not meet the policy (${summary})`);
    for (const h of report.hosts) {
      if (h.login?.status === 'failed') out.push(`${BAD} login failed on ${hostLabel(h)} with ${h.login.mode}: ${h.login.error ?? 'the server refused the credentials'}`);
    }
  } else {
    out.push(report.meetsPolicy ? `${OK} meets the policy (${summary})` : `${BAD} does not meet the policy (${summary})`);
  }
  return maskSecrets(out.join('\n')) + '\n';
}

function hostLines(h: HostReport): string[] {
  const out: string[] = [`${hostLabel(h)}  ${h.class} (${h.classReason})`];
  if (h.hostaddr) out.push(`  hostaddr      ${h.hostaddr} (connected to; the certificate is checked against ${h.host})`);
  if (h.socket) {
    out.push('  TLS does not apply to a Unix-domain socket');
  } else if (h.tls) {
    const tls = h.tls;
    if (tls.answer === 'S') out.push(row(OK, 'TLS offered', `the server answered S to the SSLRequest${tls.address ? ` (${tls.address})` : ''}`));
    else if (tls.answer === 'N') out.push(row(BAD, 'TLS offered', 'no: the server answered N to the SSLRequest'));
    else out.push(row(BAD, 'TLS offered', `unknown: ${tls.problem?.message ?? 'no answer'}`));
    if (tls.protocol || tls.cipher) out.push(row(OK, 'negotiated', [tls.protocol, tls.cipher].filter(Boolean).join(' ')));
    if (tls.chain.length > 0) {
      out.push('  certificates');
      tls.chain.forEach((c, i) => out.push(...certificateLines(c, i)));
    }
    if (tls.trust) {
      out.push(
        tls.trust.verified
          ? row(OK, 'trusted', `the chain verifies against ${tls.trust.against}`)
          : row(BAD, 'trusted', `no: ${tls.trust.error ?? tls.trust.code ?? 'verification failed'}`),
      );
    }
    if (tls.hostname) {
      out.push(
        tls.hostname.matches
          ? row(OK, 'host name', `${tls.hostname.name} matches the certificate`)
          : row(BAD, 'host name', `${tls.hostname.name} does not match the certificate`),
      );
    }
  }
  if (h.modes.length > 0) {
    out.push('  sslmode');
    for (const m of h.modes) out.push(modeLine(m));
  }
  if (h.problems.length > 0) {
    out.push('  problems');
    for (const p of h.problems) {
      out.push(`    ${p.id === 'certificate-expires-soon' || p.id === 'login-failed' ? WARN : BAD} ${p.id}: ${p.message}`);
      out.push(`      fix: ${p.fix}`);
    }
  }
  const v = h.verdict;
  out.push(`  verdict       ${v.meetsPolicy ? `${OK} meets the policy` : `${BAD} does not meet the policy`}`);
  out.push(`    policy: ${v.required === 'disable' ? 'any sslmode' : `at least ${v.required}`}, because ${v.requiredBecause}`);
  for (const f of v.failures) out.push(`    ${BAD} ${f}`);
  for (const w of v.warnings) out.push(`    ${WARN} ${w}`);
  return out;
}

function hostLabel(h: HostReport): string {
  if (h.socket) return h.host || 'default Unix socket';
  return `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
}

function row(mark: string, label: string, text: string): string {
  return `  ${mark} ${label.padEnd(12)} ${text}`;
}

function certificateLines(c: CertificateInfo, i: number): string[] {
  const expiry = c.daysLeft < 0 ? `EXPIRED ${c.notAfter.slice(0, 10)} (${-c.daysLeft} days ago)` : `expires ${c.notAfter.slice(0, 10)} (${c.daysLeft} days left)`;
  const lines = [`    ${i}  ${c.subject}${c.selfSigned ? '  (self-signed)' : ''}`, `       issuer ${c.issuer}; ${expiry}`];
  if (c.subjectAltNames.length > 0) lines.push(`       SAN ${c.subjectAltNames.join(', ')}`);
  return lines;
}

function modeLine(m: ModeResult): string {
  const mark = m.status === 'connected' ? OK : m.status === 'login-failed' ? WARN : BAD;
  let text: string;
  if (m.status === 'connected') {
    const s = m.server;
    text = !s ? 'connected' : s.ssl ? `connected; server sees ${[s.version, s.cipher, s.bits ? `${s.bits} bits` : ''].filter(Boolean).join(' ')}` : 'connected; server sees no TLS';
  } else {
    text = `${m.status}: ${m.problem?.message ?? m.error ?? ''}`;
  }
  return `    ${mark} ${m.mode.padEnd(12)} ${text}${m.note ? ` (${m.note})` : ''}`;
}
