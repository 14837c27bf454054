import { InputError } from '../../src/core/errors';
import { parseRecord } from '../../src/registry/record-schema';
import { record } from '../helpers/records';

const F = 'models/taxi-fare.yaml';
const parse = (extra: Record<string, unknown>) => parseRecord({ ...record(), ...extra }, F, 'taxi-fare');
const refusal = (extra: Record<string, unknown>): string => {
  try {
    parse(extra);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};
const RETRAINING = { schedule: '0 3 * * 1', image: 'registry.example.com/train/taxi-fare:2.0.0' };

describe('the monitoring block', () => {
  it('accepts features, prediction, label and thresholds', () => {
    const monitoring = {
      features: { numeric: ['a', 'b'], categorical: ['c'] }, prediction: 'p', label: 'y',
      drift: { psi: 0.25, ksPValue: 0.001, chiSquarePValue: 0.001, meanGap: 1.5 },
    };
    expect(parse({ monitoring }).monitoring).toEqual(monitoring);
  });

  it.each([
    [{ features: { numeric: ['a', 'a'] } }, `${F}: monitoring.features.numeric: must not name a column twice`],
    [{ features: { numeric: ['a'], categorical: ['a'] } }, `${F}: monitoring: features: a column cannot be both numeric and categorical`],
    [{ features: {}, prediction: 'p' }, `${F}: monitoring: prediction and label come together (the mean-gap check needs both)`],
    [{ features: { numeric: ['a'] }, drift: { psi: -1 } }, `${F}: monitoring.drift.psi: must be greater than 0, not -1`],
    [{ features: { numeric: ['a'] }, drift: { ksPvalue: 0.1 } }, `${F}: monitoring.drift.ksPvalue: unknown field`],
    [{ features: { numeric: [''] } }, `${F}: monitoring.features.numeric[0]: must not be empty, not ""`],
  ])('refuses %j', (monitoring, message) => {
    expect(refusal({ monitoring })).toBe(message);
  });
});

describe('the retraining block', () => {
  it('accepts a full block', () => {
    const retraining = {
      ...RETRAINING, command: ['python'], args: ['-m', 'train'], env: { A: '1' }, resources: { cpu: '2', memory: '8Gi' },
      datasets: { train: 's3://x/' }, onDrift: true,
    };
    expect(parse({ retraining }).retraining).toEqual(retraining);
  });

  it.each([
    ['0 3 * *', `"0 3 * *" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`],
    ['0 0 3 * * 1', `"0 0 3 * * 1" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`],
    ['@daily', `"@daily" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`],
    ['61 3 * * 1', `"61 3 * * 1" is not a cron schedule: Constraint error, got value 61 expected range 0-59`],
    ['0 3 * * L', `"0 3 * * L" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`],
    // Sunday as 7: Nomad reads it, Kubernetes' robfig/cron refuses it at apply.
    ['0 3 * * 7', `"0 3 * * 7": day-of-week 7 is refused by Kubernetes, which reads 0-6; write Sunday as 0`],
    ['0 3 * * 5-7', `"0 3 * * 5-7": day-of-week 7 is refused by Kubernetes, which reads 0-6; write Sunday as 0`],
    ['0 3 * * 1,7', `"0 3 * * 1,7": day-of-week 7 is refused by Kubernetes, which reads 0-6; write Sunday as 0`],
    // Whitespace JavaScript splits on and Nomad's parser does not; a value that would print a fake line is quoted.
    ['0\u00a03 * * 1', `"0\u00a03 * * 1" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`],
    ['0 3 * * X\n\u001b[32mmodelship: synth OK', `"0 3 * * X\\n\\u001b[32mmodelship: synth OK" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /, separated by spaces`],
  ])('refuses the schedule %j', (schedule, rule) => {
    expect(refusal({ retraining: { ...RETRAINING, schedule } })).toBe(`${F}: retraining.schedule: ${rule}`);
  });

  it.each([
    [{ image: 'Not An Image' }, `${F}: retraining.image: must be an image reference, e.g. registry.example.com/train/x:1.0.0, not "Not An Image"`],
    [{ resources: { cpu: 'lots', memory: '1Gi' } }, `${F}: retraining.resources.cpu: must be a CPU quantity such as 500m or 2, not "lots"`],
    // The serving bounds: Nomad refuses a task under 10 MB, and 0.0001 of a CPU is 0m.
    [{ resources: { cpu: '2', memory: '1' } }, `${F}: retraining.resources.memory: "1" must be at least 10Mi (Nomad's minimum)`],
    [{ resources: { cpu: '0.0001', memory: '1Gi' } }, `${F}: retraining.resources.cpu: "0.0001" must be at least 1m`],
    [{ env: { A: 1 } }, `${F}: retraining.env.A: must be a string (quote numbers and booleans), not 1`],
    [{ datasets: { 'my-data': 's3://x' } }, `${F}: retraining.datasets.my-data: must be a dataset name of letters, digits and _, not "my-data"`],
    [{ onDrift: 'yes' }, `${F}: retraining.onDrift: must be true or false, not "yes"`],
    [{ datasets: { train: 's3://x/', Train: 's3://y/' } }, `${F}: retraining.datasets: train, Train: two names differ only in case, so both would be MODELSHIP_DATASET_TRAIN`],
    [{ cron: '* * * * *' }, `${F}: retraining.cron: unknown field`],
  ])('refuses %j', (extra, message) => {
    expect(refusal({ retraining: { ...RETRAINING, ...extra } })).toBe(message);
  });
});

describe('a model with retraining', () => {
  it('has a name short enough for its CronJob <name>-retrain (52) and a Job made from it by hand (63)', () => {
    const name = `m${'x'.repeat(44)}`;
    const r = { ...record(), name, retraining: RETRAINING };
    expect(() => parseRecord(r, `models/${name}.yaml`, name)).toThrow(`models/${name}.yaml: name: "${name}" is 45 characters; a model with retraining has at most 44`);
    expect(parseRecord({ ...r, name: name.slice(1) }, `models/${name.slice(1)}.yaml`, name.slice(1)).name).toBe(name.slice(1));
    // Without retraining the 53 of a model name stand.
    expect(parseRecord({ ...record(), name }, `models/${name}.yaml`, name).name).toBe(name);
  });

  it('takes a schedule written as a block, with its final newline', () => {
    expect(() => parse({ retraining: { ...RETRAINING, schedule: '0 3 * * 1\n' } })).not.toThrow();
  });

  it('still takes 0-6 and steps in the day of week', () => {
    for (const schedule of ['0 3 * * 0', '0 3 * * 1-5', '0 3 * * */2', '17 7 * * 6']) {
      expect(parse({ retraining: { ...RETRAINING, schedule } }).retraining?.schedule).toBe(schedule);
    }
  });
});
