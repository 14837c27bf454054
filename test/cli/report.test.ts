import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, exampleModelsDir, snapshotDir, tempDir } from '../helpers/cli';
import { richModelsDir } from '../helpers/report-fixture';

describe('modelship report', () => {
  it('writes an index and one page per model, verdicts in words and symbols', async () => {
    const out = tempDir('report-');
    const r = await cli(['report', '--out', out, '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `wrote ${path.join(out, 'models', 'fraud-detector.html')}`,
      `wrote ${path.join(out, 'models', 'taxi-fare.html')}`,
      `wrote ${path.join(out, 'index.html')}`,
    ]);
    const taxi = fs.readFileSync(path.join(out, 'models', 'taxi-fare.html'), 'utf8');
    // 1.2.0-rc.0 was rejected at p95 72.9 ms against a 50 ms gate.
    expect(taxi).toMatch(/72\.9 \[declared\] <span class="verdict">✘ outside<\/span>/);
    expect(taxi).toContain('p95 latency 72.9 ms exceeds maxLatencyP95Ms 50');
    expect(taxi).toMatch(/Sudden change:<\/strong> p95 \(ms\) went from 31\.500 \(1\.1\.0\) to 72\.900 \(1\.2\.0-rc\.0\)/);
    expect(taxi).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(index).toContain('<a href="models/taxi-fare.html">taxi-fare</a>');
  });

  it('a named model rewrites its page only; a whole report rewrites the index and removes the pages of removed models', async () => {
    const dir = exampleModelsDir();
    const out = tempDir('report-');
    expect((await cli(['report', '--out', out, '--models-dir', dir])).code).toBe(0);
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    const one = await cli(['report', 'taxi-fare', '--out', out, '--models-dir', dir]);
    expect(one.stdout).toBe(`wrote ${path.join(out, 'models', 'taxi-fare.html')}\n`);
    // The index still lists both models.
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toBe(index);
    fs.rmSync(path.join(dir, 'fraud-detector.yaml'));
    fs.rmSync(path.join(dir, 'fraud-detector.history.jsonl'));
    const all = await cli(['report', '--out', out, '--models-dir', dir]);
    expect(all.stdout.split('\n').filter(Boolean)).toEqual([
      `wrote ${path.join(out, 'models', 'taxi-fare.html')}`, `wrote ${path.join(out, 'index.html')}`, `removed ${path.join(out, 'models', 'fraud-detector.html')}`,
    ]);
    expect(fs.readdirSync(path.join(out, 'models'))).toEqual(['taxi-fare.html']);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).not.toContain('fraud-detector');
  });

  it('escapes what it shows: an actor or reason cannot inject markup', async () => {
    const dir = exampleModelsDir();
    fs.appendFileSync(path.join(dir, 'taxi-fare.history.jsonl'),
      JSON.stringify({ at: '2026-11-24T00:00:00Z', actor: '<img src=x onerror=alert(1)>', action: 'note', version: null, from: null, to: null, details: { reason: '</td><script>x</script>' } }) + '\n');
    const out = tempDir('report-');
    expect((await cli(['report', 'taxi-fare', '--out', out, '--models-dir', dir])).code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'models', 'taxi-fare.html'), 'utf8');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>');
  });

  it('a broken record stops it before any file changes, naming the file (exit 2)', async () => {
    const dir = exampleModelsDir();
    const out = tempDir('report-');
    expect((await cli(['report', '--out', out, '--models-dir', dir])).code).toBe(0);
    const before = { top: snapshotDir(out), models: snapshotDir(path.join(out, 'models')) };
    fs.writeFileSync(path.join(dir, 'taxi-fare.yaml'), 'name: taxi-fare\nversions: [\n');
    const r = await cli(['report', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^modelship: .*taxi-fare\.yaml/);
    expect({ top: snapshotDir(out), models: snapshotDir(path.join(out, 'models')) }).toEqual(before);
  });

  it('an unknown model is bad input', async () => {
    const r = await cli(['report', 'nope', '--out', tempDir(), '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^modelship: unknown model "nope"/);
  });

  it('an --out that is a file is bad input, named, without a stack trace', async () => {
    const file = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const r = await cli(['report', '--out', file, '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: ${file}: --out: cannot mkdir: it is a file, not a directory (ENOTDIR)\n`);
  });

  it('p50 and p99 measured or declared with the p95 are marked as it is', async () => {
    const dir = exampleModelsDir();
    const taxi = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(taxi, fs.readFileSync(taxi, 'utf8').replace('    latencyP95Ms: 29.8\n', '    latencyP50Ms: 16\n    latencyP95Ms: 29.8\n    latencyP99Ms: 40\n'));
    const out = tempDir('report-');
    expect((await cli(['report', 'taxi-fare', '--out', out, '--models-dir', dir])).code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'models', 'taxi-fare.html'), 'utf8');
    expect(html).toContain('<td class="num">16 [declared]</td>');
    expect(html).toContain('<td class="num">40 [declared]</td>');
  });

  it('quality metrics against the gates the record states, and declared figures marked', async () => {
    const out = tempDir('report-');
    expect((await cli(['report', 'taxi-fare', '--out', out, '--models-dir', richModelsDir()])).code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'models', 'taxi-fare.html'), 'utf8');
    expect(html).toContain('<th>rmse, max 4.5</th>');
    // 1.2.0-rc.1 has rmse 4.9 over its 4.5 ceiling and r2 0.79 under its 0.8 floor.
    expect(html).toMatch(/4\.900 <span class="verdict">✘ outside<\/span>/);
    expect(html).toMatch(/0\.790 <span class="verdict">✘ outside<\/span>/);
    expect(html).toMatch(/29\.8 \[declared\] <span class="verdict">✔ within<\/span>/);
    // The entry's declared p95 came without p50 and p99: an event's p50 and p99 from another run are not put beside it.
    expect(html).toMatch(/<tr><td>1\.2\.0-rc\.1<\/td><td>validated<\/td><td[^>]*>[^<]*<span[^>]*>[^<]*<\/span><\/td><td class="num"><\/td><td class="num pass">29\.8 \[declared\]/);
    // Where each figure comes from: the command and its method, or the declared source; when and by whom.
    expect(html).toContain('<h2>Where the figures come from</h2>');
    expect(html).toMatch(/<tr><td>1\.2\.0-rc\.1<\/td><td>size and digest<\/td><td>measured by measure --artifact<\/td><td>digest=sha256:[0-9a-f]{12}<\/td><td>2026-11-23T09:39:25Z<\/td><td>ml-platform-ci<\/td><\/tr>/);
    expect(html).toContain('<tr><td>1.2.0-rc.1</td><td>latency</td><td>declared: typed: example figures, not measured</td><td>–</td><td>2026-11-23T09:39:26Z</td><td>ml-platform-ci</td></tr>');
    // The timeline shows a measurement's metrics, as history does.
    expect(html).toMatch(/metrics=rmse:4\.9,r2:0\.79/);
    expect(html).toMatch(/id="drift-psi"/);
    expect(html).toMatch(/✘ drifted: distance_km, mean gap/);
  });
});
