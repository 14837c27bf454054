import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, initModel, snapshotDir, tempDir, validatedVersion } from '../helpers/cli';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'drift');
const REFERENCE = path.join(FIXTURES, 'reference.csv');
const SAME = path.join(FIXTURES, 'current-same.csv');
const DRIFTED = path.join(FIXTURES, 'current-drifted.csv');

const MONITORING = `
monitoring:
  features:
    numeric: [trip_distance, passengers]
    categorical: [payment_type]
  prediction: fare_pred
  label: fare
`;

async function modelsDir(monitoring = MONITORING): Promise<string> {
  const dir = path.join(tempDir(), 'models');
  await initModel(dir, 'taxi-fare', 'rolling');
  fs.appendFileSync(path.join(dir, 'taxi-fare.yaml'), monitoring);
  return dir;
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const history = (dir: string) => fs.readFileSync(path.join(dir, 'taxi-fare.history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('modelship drift', () => {
  it('--help shows the sample size it keeps when none is given', async () => {
    expect((await cli(['drift', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('use a uniform sample (default: 200000)');
  });

  it('exit 0 and a table when nothing drifted; the run is in the history against the production version', async () => {
    const dir = await modelsDir();
    const v = await validatedVersion(dir, 'taxi-fare');
    expect((await cli(['promote', 'taxi-fare', v, '--models-dir', dir])).code).toBe(0);
    const r = await cli(['drift', 'taxi-fare', '--reference', REFERENCE, '--current', SAME, '--models-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`taxi-fare ${v}: ${REFERENCE} (3000 rows) -> ${SAME} (2500 rows)`);
    expect(r.stdout).toMatch(/^psi +trip_distance +0\.005\d* +>= 0\.2 and > 0\.01589 \(noise\) +ok$/m);
    expect(r.stdout).toMatch(/^chi-square +payment_type +2\.37 \(2 df\), p 0\.3058 +p < 0\.01 +ok$/m);
    expect(r.stdout.trim().split('\n').pop()).toBe('no drift');
    const last = history(dir).pop();
    expect(last).toMatchObject({ action: 'drift', version: v, actor: 'test-suite', details: { drifted: false, referenceRows: 3000, currentRows: 2500, sampleSize: 200000 } });
    expect(last.details.numeric[0]).toMatchObject({ column: 'trip_distance', exact: true });
    expect(last.details.meanGap).toMatchObject({ basis: 'current', drifted: false });
  });

  it('exit 1 on drift, --json for machines; no production version is recorded as null', async () => {
    const dir = await modelsDir();
    const r = await cli(['drift', 'taxi-fare', '--reference', REFERENCE, '--current', DRIFTED, '--json', '--models-dir', dir]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ model: 'taxi-fare', version: null, drifted: true });
    expect(out.categorical[0]).toMatchObject({ column: 'payment_type', drifted: true });
    expect(history(dir).pop()).toMatchObject({ action: 'drift', version: null, details: { drifted: true } });
  });

  it('JSON Lines by extension, or --format for any name', async () => {
    const dir = await modelsDir();
    const jsonl = path.join(tempDir(), 'current.log');
    fs.copyFileSync(path.join(FIXTURES, 'current-same.jsonl'), jsonl);
    const noFormat = await cli(['drift', 'taxi-fare', '--reference', path.join(FIXTURES, 'reference.jsonl'), '--current', jsonl, '--models-dir', dir]);
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toBe(`modelship: ${jsonl}: cannot tell CSV from JSON Lines by the name; pass --format csv or --format jsonl\n`);
    const r = await cli(['drift', 'taxi-fare', '--reference', path.join(FIXTURES, 'reference.jsonl'), '--current', jsonl, '--format', 'jsonl', '--models-dir', dir]);
    expect(r.code).toBe(0);
  });

  describe('bad input: exit 2, one line naming the file, the line and the column, nothing appended', () => {
    const cases: [string, (d: string) => string, (f: string) => string][] = [
      ['a missing column', (d) => write(d, 'c.csv', 'trip_distance,passengers,fare,fare_pred\n1,1,2,2\n'),
        (f) => `${f}: line 1: no column "payment_type" in the header (it has: trip_distance, passengers, fare, fare_pred)`],
      ['a non-numeric value in a numeric feature', (d) => write(d, 'c.csv', 'trip_distance,passengers,payment_type,fare,fare_pred\n1,1,card,2,2\n2,three,cash,2,2\n'),
        (f) => `${f}: line 3: column "passengers": "three" is not a number`],
      ['a non-numeric value after a quoted field spanning lines (the line is still exact)',
        (d) => write(d, 'c.csv', 'trip_distance,passengers,payment_type,fare,fare_pred\n1,1,"card\nor cash",2,2\n2,1,cash,2,n/a\n'),
        (f) => `${f}: line 4: column "fare_pred": "n/a" is not a number`],
      ['a number too large for a double (1e999 is Infinity, which no bin holds)', (d) => write(d, 'c.csv', 'trip_distance,passengers,payment_type,fare,fare_pred\n1,1,card,2,2\n-1e999,1,cash,2,2\n'),
        (f) => `${f}: line 3: column "trip_distance": "-1e999" is not a number`],
      ['a JSON number too large for a double', (d) => write(d, 'c.jsonl', '{"trip_distance":1e999,"passengers":1,"payment_type":"card","fare":2,"fare_pred":2}\n'),
        (f) => `${f}: line 1: column "trip_distance": Infinity is not a finite number`],
      ['an empty file', (d) => write(d, 'c.csv', ''), (f) => `${f}: no data rows (the file is empty)`],
      ['a header only', (d) => write(d, 'c.csv', 'trip_distance,passengers,payment_type,fare,fare_pred\n'), (f) => `${f}: no data rows`],
      ['a JSON line without a column', (d) => write(d, 'c.jsonl', '{"trip_distance":1,"passengers":1,"payment_type":"card","fare":2,"fare_pred":2}\n{"trip_distance":1}\n'),
        (f) => `${f}: line 2: no column "passengers"`],
      ['a JSON line that is not JSON', (d) => write(d, 'c.jsonl', '{"trip_distance":1,\n'), (f) => `${f}: line 1: not valid JSON`],
      ['a missing file', (d) => path.join(d, 'nope.csv'), (f) => `${f}: cannot read: ENOENT`],
    ];
    it.each(cases)('%s', async (_what, make, message) => {
      const dir = await modelsDir();
      const current = make(tempDir());
      const before = snapshotDir(dir);
      const r = await cli(['drift', 'taxi-fare', '--reference', REFERENCE, '--current', current, '--models-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`modelship: ${message(current)}\n`);
      expect(snapshotDir(dir)).toEqual(before);
    });

    it('a CSV row with too many fields: csv-parse says which line', async () => {
      const dir = await modelsDir();
      const current = write(tempDir(), 'c.csv', 'trip_distance,passengers,payment_type,fare,fare_pred\n1,1,card,2,2\n1,1,card,2,2,9\n');
      const r = await cli(['drift', 'taxi-fare', '--reference', REFERENCE, '--current', current, '--models-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^modelship: ${current}: .*line 3.*\\n$`));
    });

    it('a record without a monitoring block', async () => {
      const dir = await modelsDir('');
      const r = await cli(['drift', 'taxi-fare', '--reference', REFERENCE, '--current', SAME, '--models-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`modelship: ${path.join(dir, 'taxi-fare.yaml')}: monitoring: is required for drift (features, prediction, label)\n`);
    });

    it('a monitoring block that breaks a rule', async () => {
      const dir = await modelsDir(`${MONITORING}  drift: { ksPValue: 5 }\n`);
      const r = await cli(['drift', 'taxi-fare', '--reference', REFERENCE, '--current', SAME, '--models-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`modelship: ${path.join(dir, 'taxi-fare.yaml')}: monitoring.drift.ksPValue: must be between 0 and 1, not 5\n`);
    });
  });
});
