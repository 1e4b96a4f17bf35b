import { defineRule } from '../src/engine/rule.js';
import { isTrackedButIgnored, wouldCommit } from '../src/policy/git.js';

// A public CA certificate, so the certificate samples are real files (no private key is ever embedded:
// key samples are empty files, sslguard judges keys by path and git state only).
const CA_PEM =
  '-----BEGIN CERTIFICATE-----\n' +
  'MIIB0DCCAXWgAwIBAgIUORRhpqXFE/2hl9rOHRKmTiil110wCgYIKoZIzj0EAwIw\n' +
  'NDESMBAGA1UECgwJQWNtZSBDb3JwMR4wHAYDVQQDDBVBY21lIFBvc3RncmVzIFJv\n' +
  'b3QgQ0EwIBcNMjYxMTI2MDYxMjE1WhgPMjEyNjExMDIwNjEyMTVaMDQxEjAQBgNV\n' +
  'BAoMCUFjbWUgQ29ycDEeMBwGA1UEAwwVQWNtZSBQb3N0Z3JlcyBSb290IENBMFkw\n' +
  'EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ9jgoFbuTtbh6iBsx6HGx6irhF7qeFQN\n' +
  'Fh4lt8gjtwiY2/nrOS1QhH/RrBLCyF4AR3obig1L8yLxGxrs5BPAxKNjMGEwHQYD\n' +
  'VR0OBBYEFGmahV6zKSCA14ACtxb6lSHVjVj3MB8GA1UdIwQYMBaAFGmahV6zKSCA\n' +
  '14ACtxb6lSHVjVj3MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoG\n' +
  'CCqGSM49BAMCA0kAMEYCIQDJAwgGslt4vtk3tybE5dL/qQW8JmbF4PI7NQ6f1L8Z\n' +
  '6QIhALU6S9/qvraJ4/JziWqa1izRp+fCQirvyjnF3b2hPKjT\n' +
  '-----END CERTIFICATE-----\n';

export default defineRule({
  meta: {
    id: 'gitignore-certs',
    description: 'Private keys and certificates must be kept out of git.',
    defaultSeverity: 'error',
    rationale:
      'A committed private key is compromised: everyone with read access to the repository, and its history, can impersonate ' +
      'the client or server it belongs to. Certificates are public, but committing them invites committing the key next to ' +
      'them and pins deployments to files that should be mounted from a secret store. Git keeps both forever once committed.',
    messages: {
      trackedIgnored:
        '{{kind}} {{file}} is matched by .gitignore but git still tracks it: ignoring does not untrack. Run `git rm --cached {{file}}`{{rotate}}.',
      tracked: '{{kind}} {{file}} is committed to git. Add it to .gitignore and run `git rm --cached {{file}}`{{rotate}}.',
      untracked: '{{kind}} {{file}} is not matched by .gitignore, so `git add .` would commit it. Add `{{file}}` (or its directory) to .gitignore.',
    },
    looksAt: [
      'certificate and key files (`.crt .pem .cer .der .p12 .pfx .key`, by PEM content) and whether git would commit them',
    ],
    examples: {
      good: [
        { file: 'certs/client.key', code: '', git: { inGit: true, tracked: false, ignored: true } },
        { file: 'certs/ca.crt', code: CA_PEM, git: { inGit: true, tracked: false, ignored: true } },
      ],
      bad: [
        { file: 'certs/client.key', code: '', git: { inGit: true, tracked: true, ignored: false }, findings: 1 },
        { file: 'deploy/postgres/client.key', code: '', git: { inGit: true, tracked: false, ignored: false }, findings: 1 },
        { file: 'certs/ca.crt', code: CA_PEM, git: { inGit: true, tracked: true, ignored: true }, findings: 1 },
      ],
    },
  },

  check(facts, ctx) {
    for (const f of facts.ofKind('file')) {
      if ((f.fileKind !== 'private-key' && f.fileKind !== 'certificate') || !wouldCommit(f)) continue;
      const key = f.fileKind === 'private-key';
      const messageId = isTrackedButIgnored(f) ? 'trackedIgnored' : f.tracked ? 'tracked' : 'untracked';
      ctx.report({
        fact: f,
        messageId,
        severity: key ? 'error' : 'warning',
        data: {
          kind: key ? 'Private key' : 'Certificate',
          file: f.file,
          rotate: key ? ', then replace the key: it stays readable in the history' : '',
        },
      });
    }
  },
});
