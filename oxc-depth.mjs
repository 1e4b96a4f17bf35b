import { parseSync } from 'oxc-parser';
const [kind, depth] = [process.argv[2], +process.argv[3]];
const gens = {
  arr: (d) => `x = ${'['.repeat(d)}1${']'.repeat(d)};`,
  paren: (d) => `x = ${'('.repeat(d)}1${')'.repeat(d)};`,
  obj: (d) => `x = ${'{a:'.repeat(d)}1${'}'.repeat(d)};`,
  not: (d) => `x = ${'!'.repeat(d)}1;`,
  arrow: (d) => `x = ${'a=>'.repeat(d)}1;`,
  ternary: (d) => `x = ${'a?b:'.repeat(d)}1;`,
  assign: (d) => `${'a='.repeat(d)}1;`,
  elseif: (d) => `${'if(a){}else '.repeat(d)}{}`,
  ifnest: (d) => `${'if(a)'.repeat(d)}x;`,
  block: (d) => `${'{'.repeat(d)}${'}'.repeat(d)}`,
  type: (d) => `let x: ${'A<'.repeat(d)}B${'>'.repeat(d)};`,
};
const r = parseSync('gen.ts', gens[kind](depth), { range: true, astType: 'ts' });
console.log('ok', r.errors.length);
