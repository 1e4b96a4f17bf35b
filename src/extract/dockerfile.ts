// Dockerfiles and Containerfiles: `ENV` and `ARG` of every build stage (both `ENV A=b C=d` and the
// legacy `ENV A b`, quotes, line continuations, the `# escape=` directive), and connection strings
// in `RUN`, `CMD`, `ENTRYPOINT` and `HEALTHCHECK`. Each stage is a unit; a stage built `FROM` an
// earlier one inherits its environment, as Docker does. The compose services that run the image
// are linked to it by the core (engine/link-images.ts).
//
// Parsing uses dockerfile-ast (the parser behind the VS Code Docker extension's language server):
// it gives every property's name and value ranges after the escape directive and continuations,
// which a line-based reader would get wrong.
import { createRequire } from 'node:module';
import type * as DockerfileAst from 'dockerfile-ast';
import type { Unit } from '../model.js';
import { locateValue, type ValueLocation } from '../text/source.js';
import { FactSink, unitOf, type Extractor } from './sink.js';
import { ExpansionBudget, expandDotenv } from './env.js';
import { commandValue, dockerCommandRanges, dockerHealthcheckRanges } from './libpq-commands.js';

const require = createRequire(import.meta.url);
let ast: typeof DockerfileAst | undefined;

function loadAst(): typeof DockerfileAst {
  ast ??= require('dockerfile-ast') as typeof DockerfileAst;
  return ast;
}

/** Name of the pseudo-stage that holds `ARG`s before the first `FROM` (they only parameterise `FROM` lines). */
export const GLOBAL_STAGE = '(global)';

/** The unit of a stage: its `AS` name (lower-cased, as Docker compares them) or `#n` for the n-th unnamed one. */
export function stageUnit(file: string, name: string): Unit {
  return unitOf(file, 'dockerfile-stage', name);
}

/** Instructions whose arguments are commands that may name a connection string. */
const COMMAND_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

interface Stage {
  unit: Unit;
  /** Values set so far, for `${VAR}` substitution in later ENV/ARG lines of the stage. */
  defined: Map<string, string>;
}

export const extractDockerfile: Extractor = (input) => {
  const sink = new FactSink(input, 'dockerfile');
  let dockerfile: DockerfileAst.Dockerfile;
  try {
    dockerfile = loadAst().DockerfileParser.parse(sink.text);
  } catch (error) {
    sink.diagnostic(`cannot parse Dockerfile: ${(error as Error).message}`);
    return sink.result();
  }
  const offset = (p: { line: number; character: number }): number => sink.source.lineStart(p.line + 1) + p.character;
  const stages = new Map<string, Stage>();
  let current: Stage = { unit: stageUnit(input.file, GLOBAL_STAGE), defined: new Map() };
  let index = 0;
  const budget = new ExpansionBudget(sink.text.length);

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      index++;
      const from = instruction as DockerfileAst.From;
      const name = from.getBuildStage()?.toLowerCase() ?? `#${index}`;
      const parent = stages.get(from.getImageName()?.toLowerCase() ?? '');
      current = { unit: stageUnit(input.file, name), defined: new Map(parent?.defined) };
      stages.set(name, current);
      sink.declare(current.unit);
      // `FROM build AS runtime`: the runtime stage starts with everything `build` set.
      if (parent) sink.link(current.unit, parent.unit);
      continue;
    }
    if (keyword === 'ENV' || keyword === 'ARG') {
      for (const property of (instruction as DockerfileAst.Env | DockerfileAst.Arg).getProperties()) {
        const name = property.getName();
        const written = property.getValue();
        const valueRange = property.getValueRange();
        // `ARG NAME` without a default is supplied at build time: nothing to judge here.
        if (written === null || valueRange === null) continue;
        const nameStart = offset(property.getNameRange().start);
        const start = offset(valueRange.start);
        const end = offset(valueRange.end);
        // Docker substitutes earlier ENV/ARG values, except inside single quotes.
        const raw = sink.text.slice(start, end);
        const value = raw.startsWith("'") ? written : expandDotenv(written, current.defined, budget);
        if (budget.exceededAt === undefined && budget.remaining < 0) {
          budget.exceededAt = start;
          sink.diagnostic(budget.message()!, start);
        }
        current.defined.set(name, value);
        const located = locateValue(sink.text, start, end, written);
        const loc: ValueLocation = value === written ? located : { ...located, exact: false };
        sink.assignment(name, { start: nameStart, end: nameStart + name.length }, value, loc, { unit: current.unit });
      }
      continue;
    }
    if (COMMAND_KEYWORDS.has(keyword)) {
      const range = instruction.getArgumentsRange();
      if (!range) continue;
      const start = offset(range.start);
      const end = offset(range.end);
      const text = sink.text.slice(start, end);
      // `RUN psql "postgres://…"`: what libpq's own programs receive follows libpq's rules.
      const ranges = keyword === 'HEALTHCHECK' ? dockerHealthcheckRanges(text) : dockerCommandRanges(text);
      commandValue(sink, text, { start, end, exact: true }, { unit: current.unit }, ranges);
    }
  }
  return sink.result();
};
