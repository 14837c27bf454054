import * as fs from 'node:fs';
import * as path from 'node:path';
import { bump } from '../../src/core/lifecycle';
import { ModelStore } from '../../src/registry/model-store';
import { cli, cliProcess, EXAMPLE_MODELS, tempDir } from '../helpers/cli';
import { fillDisk, mountTmpfs, tmpfsSkipReason, unmountAll } from '../helpers/tmpfs';

const maybe = tmpfsSkipReason ? describe.skip : describe;
if (tmpfsSkipReason) console.warn(`skipped: ${tmpfsSkipReason}`);

afterAll(unmountAll);

let template: string | undefined;
/** The examples after 40 bumps, built once per file: every test copies it rather than bumping 40 times again. */
function bumpedModels(): string {
  if (template) return template;
  template = path.join(tempDir('full-disk-template-'), 'models');
  fs.cpSync(EXAMPLE_MODELS, template, { recursive: true });
  const store = new ModelStore(template);
  for (let i = 0; i < 40; i++) store.update('taxi-fare', (r) => bump(r, 'patch', { now: '2026-11-05T00:00:00Z' }));
  return template;
}

/** A models dir on a small tmpfs whose record is larger than one page, so a short write can cut it. */
function bigRecordOnTmpfs(): { dir: string; record: string; history: string } {
  const dir = path.join(mountTmpfs(512), 'models');
  fs.cpSync(bumpedModels(), dir, { recursive: true });
  const record = path.join(dir, 'taxi-fare.yaml');
  expect(fs.statSync(record).size).toBeGreaterThan(4096);
  return { dir, record, history: path.join(dir, 'taxi-fare.history.jsonl') };
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.includes('.tmp-') || n.endsWith('.intent') || n.endsWith('.lock'));
}

maybe('a full disk (a real small tmpfs)', () => {
  it.each([0, 1, 2, 3])('bump with %i free page(s): exits 74 with one line, record and history untouched, no temp files', async (freePages) => {
    const { dir, record, history } = bigRecordOnTmpfs();
    const before = { record: fs.readFileSync(record), history: fs.readFileSync(history) };
    const disk = fillDisk(dir, freePages);
    const r = cliProcess(['bump', 'taxi-fare', 'patch', '--models-dir', dir]);
    disk.release();
    expect(r.stderr).toMatch(/^modelship: .*taxi-fare\.(yaml|yaml\.lock|history\.jsonl): (lock: )?cannot write: no space left on the device \(ENOSPC\)\n$/);
    expect(r.code).toBe(74);
    expect(fs.readFileSync(record)).toEqual(before.record);
    expect(fs.readFileSync(history)).toEqual(before.history);
    expect(leftovers(dir)).toEqual([]);
    // With space again, the next bump works and both files agree.
    // The failure above is the bin's (a real process); the recovery can run in-process.
    const next = await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir]);
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readFileSync(history, 'utf8').trim().split('\n').map((l) => JSON.parse(l).version).pop()).toBe(next.stdout.trim());
  });

  it('report on a full disk: exit 74, every old page and the index whole and from one run, no temp files', async () => {
    const out = path.join(mountTmpfs(1024), 'report');
    expect((await cli(['report', '--out', out, '--models-dir', EXAMPLE_MODELS])).code).toBe(0);
    const pages = ['index.html', 'models/taxi-fare.html', 'models/fraud-detector.html'];
    for (const f of pages) fs.appendFileSync(path.join(out, f), '<!-- old -->\n');
    const before = pages.map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    const disk = fillDisk(out, 8);
    const r = cliProcess(['report', '--out', out, '--models-dir', bumpedModels()]);
    disk.release();
    expect(r.stderr).toMatch(/^modelship: .*: --out: cannot write: no space left on the device \(ENOSPC\)\n$/);
    expect(r.code).toBe(74);
    expect(pages.map((f) => fs.readFileSync(path.join(out, f), 'utf8'))).toEqual(before);
    expect(fs.readdirSync(out, { recursive: true }).map(String).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('synth on a full disk: exit 74, every old output whole, no temp files in dist', async () => {
    const out = path.join(mountTmpfs(256), 'dist');
    expect((await cli(['synth', '--out', out, '--models-dir', EXAMPLE_MODELS])).code).toBe(0);
    const files = ['kubernetes/taxi-fare.k8s.yaml', 'kubernetes/fraud-detector.k8s.yaml', 'nomad/taxi-fare.nomad.hcl', 'nomad/taxi-fare.nomad.json'];
    // Old outputs that differ from what synth writes now, so a half-done synth would show.
    for (const f of files) fs.appendFileSync(path.join(out, f), '# old\n');
    const before = files.map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    const disk = fillDisk(out, 1);
    const r = cliProcess(['synth', '--out', out, '--models-dir', EXAMPLE_MODELS]);
    disk.release();
    expect(r.stderr).toMatch(/^modelship: .*: --out: cannot write: no space left on the device \(ENOSPC\)\n$/);
    expect(r.code).toBe(74);
    expect(files.map((f) => fs.readFileSync(path.join(out, f), 'utf8'))).toEqual(before);
    for (const target of ['kubernetes', 'nomad']) expect(fs.readdirSync(path.join(out, target)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
