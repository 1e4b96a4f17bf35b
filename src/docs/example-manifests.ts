/**
 * The production Deployment that several rules' examples share, up to its container's `env:` key;
 * each example appends the env entries it is about. One copy keeps the samples consistent.
 */
export const PRODUCTION_DEPLOYMENT_ENV =
  'apiVersion: apps/v1\n' +
  'kind: Deployment\n' +
  'metadata:\n' +
  '  name: api\n' +
  '  namespace: production\n' +
  'spec:\n' +
  '  selector:\n' +
  '    matchLabels: { app: api }\n' +
  '  template:\n' +
  '    metadata:\n' +
  '      labels: { app: api }\n' +
  '    spec:\n' +
  '      containers:\n' +
  '        - name: api\n' +
  '          image: ghcr.io/acme/api:1.4.2\n' +
  '          env:\n';

/** A self-signed CA certificate valid until 2126 (public data, no key), for certificate examples. */
export const VALID_CA_PEM =
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
