// GitHub Actions workflows (`.github/workflows/*.yml`) are configuration: the workflow's, each
// job's and each step's `env`, and the commands of `run:` steps. A job's `services:` (a `postgres`
// service container) are reached as `localhost` or by their name: local. `environment: production`
// on a job names its deployment environment. `${{ secrets.X }}` is a reference, never a value.
import type { EnvironmentInfo } from '../model.js';
import { FactSink, unitOf, type EmitOptions, type Extractor } from './sink.js';
import { parseYaml, type YamlDocument, type YamlNode } from './yaml.js';
import { commandValue, libpqRanges } from './libpq-commands.js';
import { environmentOfWord } from '../policy/environment.js';

export const extractWorkflow: Extractor = (input) => {
  const sink = new FactSink(input, 'workflow');
  for (const doc of parseYaml(sink)) workflow(sink, doc);
  return sink.result();
};

function workflow(sink: FactSink, doc: YamlDocument): void {
  const root = doc.root;
  if (!doc.isMap(root)) return;
  const top = unitOf(sink.file, 'workflow-job', '(workflow)');
  env(sink, doc, doc.get(root, 'env'), { unit: top });
  for (const job of doc.entries(doc.get(root, 'jobs'))) {
    const unit = unitOf(sink.file, 'workflow-job', job.key);
    sink.link(unit, top);
    const localNames = new Map<string, string>();
    for (const service of doc.entries(doc.get(job.value, 'services'))) localNames.set(service.key, `\`${service.key}\`, a service container of job \`${job.key}\``);
    const environment = jobEnvironment(doc, job.value, job.key);
    const options: EmitOptions = { unit, localNames, ...(environment ? { environment } : {}) };
    env(sink, doc, doc.get(job.value, 'env'), options);
    // A service container's own environment (`POSTGRES_PASSWORD: postgres`) configures that container.
    for (const service of doc.entries(doc.get(job.value, 'services'))) {
      env(sink, doc, doc.get(service.value, 'env'), { ...options, unit: unitOf(sink.file, 'workflow-job', `${job.key}/services/${service.key}`) });
    }
    for (const step of doc.items(doc.get(job.value, 'steps'))) {
      env(sink, doc, doc.get(step, 'env'), options);
      const run = doc.scalar(doc.get(step, 'run'));
      if (run) commandValue(sink, run.value, run.loc, options, libpqRanges(run.value));
    }
  }
}

/** `environment: production` or `environment: { name: production }` on a job. */
function jobEnvironment(doc: YamlDocument, job: YamlNode | null, jobName: string): EnvironmentInfo | undefined {
  const node = doc.get(job, 'environment');
  const name = doc.scalar(node)?.value ?? doc.scalar(doc.get(node, 'name'))?.value;
  if (!name) return undefined;
  for (const token of name.split(/[.\-_\s]+/)) {
    const env = environmentOfWord(token);
    if (env) return { name: env, reason: `job \`${jobName}\` deploys to environment \`${name}\`` };
  }
  return undefined;
}

function env(sink: FactSink, doc: YamlDocument, node: YamlNode | null, options: EmitOptions): void {
  for (const entry of doc.entries(node)) {
    const s = doc.scalar(entry.value);
    if (s) sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
  }
}
