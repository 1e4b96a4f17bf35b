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
