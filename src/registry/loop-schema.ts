import * as v from 'valibot';

/** The serving spec's rules, shared so both blocks accept the same quantities (bounds included) and images. */
export interface SharedRules {
  readonly cpu: v.GenericSchema<unknown, string>;
  readonly memory: v.GenericSchema<unknown, string>;
  readonly imageRef: RegExp;
  readonly secretEnv: v.GenericSchema<unknown, Readonly<Record<string, { secret: string; key: string }>>>;
}

const str = (re: RegExp, rule: string) => v.pipe(v.string('must be a string'), v.regex(re, rule));
const column = v.pipe(v.string('must be a column name'), v.minLength(1, 'must not be empty'));
const uniqueColumns = v.pipe(
  v.array(column, 'must be a list of column names'),
  v.check((xs) => new Set(xs).size === xs.length, 'must not name a column twice'),
);
const pValue = v.pipe(v.number('must be a number'), v.gtValue(0, 'must be between 0 and 1'), v.ltValue(1, 'must be between 0 and 1'));
const positive = v.pipe(v.number('must be a number'), v.gtValue(0, 'must be greater than 0'));
const envName = str(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const stringList = v.array(v.string('must be a string (quote numbers and booleans)'), 'must be a list of strings');

/**
 * Five fields of digits, `*`, `,`, `-` and `/`: the form both Kubernetes and
 * Nomad read the same way (no seconds field, no `L` or `#`); cron-parser then
 * checks each field's range.
 */
function cronProblem(expr: string): string | undefined {
  // Spaces and tabs only between fields: JavaScript's \s also takes NBSP or U+3000, which Nomad's parser does not.
  // A block scalar's final newline is fine: both parsers take whitespace around the fields.
  if (!/^[ \t\r\n]*[0-9*,/-]+(?:[ \t]+[0-9*,/-]+){4}[ \t\r\n]*$/.test(expr)) {
    return `${JSON.stringify(expr)} must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`;
  }
  const fields = expr.trim().split(/[ \t]+/);
  // Nomad and cron-parser take 7 for Sunday; Kubernetes' parser (robfig/cron) refuses anything above 6.
  if (/(^|[,-])0*7($|[,/-])/.test(fields[4])) {
    return `${JSON.stringify(expr)}: day-of-week 7 is refused by Kubernetes, which reads 0-6; write Sunday as 0`;
  }
  try {
    // Loaded only for a record that has a schedule: every command parses records, few have one.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('cron-parser') as typeof import('cron-parser')).CronExpressionParser.parse(expr);
    return undefined;
  } catch (e) {
    return `${JSON.stringify(expr)} is not a cron schedule: ${(e as Error).message}`;
  }
}

export function loopSchemas(rules: SharedRules) {
  const monitoringSchema = v.pipe(v.strictObject({
    features: v.strictObject({
      numeric: v.optional(uniqueColumns),
      categorical: v.optional(uniqueColumns),
    }, 'must be a mapping with numeric and/or categorical column lists'),
    prediction: v.optional(column),
    label: v.optional(column),
    drift: v.optional(v.strictObject({
      psi: v.optional(positive),
      ksPValue: v.optional(pValue),
      chiSquarePValue: v.optional(pValue),
      meanGap: v.optional(positive),
    }, 'must be a mapping')),
  }, 'must be a mapping'), v.check(
    (m) => !(m.features.numeric ?? []).some((c) => (m.features.categorical ?? []).includes(c)),
    'features: a column cannot be both numeric and categorical',
  ), v.check(
    (m) => (m.prediction === undefined) === (m.label === undefined),
    'prediction and label come together (the mean-gap check needs both)',
  ));

  const retrainingSchema = v.strictObject({
    schedule: v.pipe(v.string('must be a cron schedule string'), v.check((s) => cronProblem(s) === undefined, (i) => cronProblem(String(i.input)) as string)),
    image: str(rules.imageRef, 'must be an image reference, e.g. registry.example.com/train/x:1.0.0'),
    command: v.optional(stringList),
    args: v.optional(stringList),
    env: v.optional(v.record(envName, v.string('must be a string (quote numbers and booleans)'))),
    secretEnv: v.optional(rules.secretEnv),
    // The serving quantities' bounds too: Nomad refuses a task under 10 MB of memory, and 0.0001 CPU would be 0m.
    resources: v.optional(v.strictObject({ cpu: rules.cpu, memory: rules.memory }, 'must be a mapping')),
    datasets: v.optional(v.pipe(v.record(
      str(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a dataset name of letters, digits and _'),
      v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
    ), v.check(
      // Each becomes MODELSHIP_DATASET_<NAME upper-cased>: two names one case apart would be one variable.
      (d) => new Set(Object.keys(d).map((k) => k.toUpperCase())).size === Object.keys(d).length,
      (i) => `${Object.keys(i.input as object).join(', ')}: two names differ only in case, so both would be MODELSHIP_DATASET_${duplicateUpper(Object.keys(i.input as object))}`,
    ))),
    onDrift: v.optional(v.boolean('must be true or false')),
  }, 'must be a mapping');

  return { monitoringSchema, retrainingSchema };
}

function duplicateUpper(names: readonly string[]): string {
  const seen = new Set<string>();
  for (const n of names) {
    const u = n.toUpperCase();
    if (seen.has(u)) return u;
    seen.add(u);
  }
  return '';
}
