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
    ['0 3 * *', `"0 3 * *" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /`],
    ['0 0 3 * * 1', `"0 0 3 * * 1" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /`],
    ['@daily', `"@daily" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /`],
    ['61 3 * * 1', `"61 3 * * 1" is not a cron schedule: Constraint error, got value 61 expected range 0-59`],
    ['0 3 * * L', `"0 3 * * L" must be five cron fields (minute hour day-of-month month day-of-week) of digits, *, ",", - and /`],
  ])('refuses the schedule %j', (schedule, rule) => {
    expect(refusal({ retraining: { ...RETRAINING, schedule } })).toBe(`${F}: retraining.schedule: ${rule}`);
  });

  it.each([
    [{ image: 'Not An Image' }, `${F}: retraining.image: must be an image reference, e.g. registry.example.com/train/x:1.0.0, not "Not An Image"`],
    [{ resources: { cpu: 'lots', memory: '1Gi' } }, `${F}: retraining.resources.cpu: must be a CPU quantity such as 500m or 2, not "lots"`],
    [{ env: { A: 1 } }, `${F}: retraining.env.A: must be a string (quote numbers and booleans), not 1`],
    [{ datasets: { 'my-data': 's3://x' } }, `${F}: retraining.datasets.my-data: must be a dataset name of letters, digits and _, not "my-data"`],
    [{ onDrift: 'yes' }, `${F}: retraining.onDrift: must be true or false, not "yes"`],
    [{ cron: '* * * * *' }, `${F}: retraining.cron: unknown field`],
  ])('refuses %j', (extra, message) => {
    expect(refusal({ retraining: { ...RETRAINING, ...extra } })).toBe(message);
  });
});
