import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { makeArtifact } from '../helpers/artifact';
import { acceptDeclared, cli, initModel, smallArtifact, tempDir, validatedVersion } from '../helpers/cli';

const KEYS = ['command', 'details', 'model', 'ok', 'production', 'slots', 'stage', 'summary', 'transitions', 'version'];

async function json(args: string[], dir: string, code = 0) {
  const r = await cli([...args, '--json', '--models-dir', dir]);
  expect({ code: r.code, stderr: code === 0 ? r.stderr : '' }).toEqual({ code, stderr: '' });
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out).sort()).toEqual(KEYS);
  return { out, stderr: r.stderr };
}

describe('--json on every state-changing command: one shape', () => {
  it('bump, measure --artifact, validate, promote, switch, rollback', async () => {
    const dir = tempDir();
    await initModel(dir, 'fraud', 'blue-green');
    acceptDeclared(dir, 'fraud');
    const bump = (await json(['bump', 'fraud', 'major'], dir)).out;
    expect(bump).toEqual({
      command: 'bump', model: 'fraud', version: '1.0.0', ok: true, summary: '1.0.0', stage: 'candidate', production: null, slots: null,
      transitions: [{ action: 'bump', version: '1.0.0', from: null, to: 'candidate' }], details: { release: 'major', preid: null },
    });
    const art = makeArtifact(path.join(tempDir(), 'model'));
    const measured = (await json(['measure', 'fraud', '1.0.0', '--artifact', art], dir)).out;
    expect(measured).toMatchObject({
      command: 'measure', version: '1.0.0', ok: true, stage: 'candidate',
      details: { kind: 'artifact', sizeBytes: expect.any(Number), digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), provenance: { kind: 'measured', command: 'measure --artifact' } },
    });
    const validated = (await json(['validate', 'fraud', '1.0.0', '--declared-latency-p95-ms', '10'], dir)).out;
    expect(validated).toMatchObject({ command: 'validate', ok: true, stage: 'validated' });
    expect(validated.transitions.map((t: { action: string }) => t.action)).toContain('validate');
    const gates = Object.fromEntries(validated.details.gates.map((g: { gate: string; passed: boolean }) => [g.gate, g.passed]));
    expect(gates).toMatchObject({ maxSizeMiB: true, maxLatencyP95Ms: true });
    const promoted = (await json(['promote', 'fraud', '1.0.0'], dir)).out;
    expect(promoted).toMatchObject({ command: 'promote', version: '1.0.0', stage: 'production', production: '1.0.0', slots: { active: 'blue', blue: '1.0.0', green: null } });

    await validatedVersion(dir, 'fraud', 'minor', 'b');
    expect((await json(['promote', 'fraud', '1.1.0'], dir)).out).toMatchObject({ stage: 'validated', production: '1.0.0', slots: { active: 'blue', green: '1.1.0' } });
    const switched = (await json(['switch', 'fraud'], dir)).out;
    expect(switched).toMatchObject({ command: 'switch', version: '1.1.0', stage: 'production', production: '1.1.0', slots: { active: 'green' } });
    expect(switched.transitions.map((t: { version: string; to: string }) => [t.version, t.to]).sort()).toEqual([['1.0.0', 'retired'], ['1.1.0', 'production']]);
    expect((await json(['rollback', 'fraud'], dir)).out).toMatchObject({ command: 'rollback', version: '1.0.0', production: '1.0.0', slots: { active: 'blue' } });
  });

  it('a rejection is recorded: the JSON says ok false, the reason goes to stderr, exit 1', async () => {
    const dir = tempDir();
    await initModel(dir, 'taxi', 'rolling');
    acceptDeclared(dir, 'taxi');
    await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
    await cli(['measure', 'taxi', '1.0.0', '--artifact', smallArtifact('x'), '--models-dir', dir]);
    const { out, stderr } = await json(['validate', 'taxi', '1.0.0', '--declared-latency-p95-ms', '80'], dir, 1);
    expect(out).toMatchObject({ command: 'validate', ok: false, stage: 'rejected' });
    expect(out.transitions.map((t: { to: string }) => t.to)).toContain('rejected');
    expect(stderr).toMatch(/^modelship: taxi 1\.0\.0 rejected: .*p95 latency \(declared\) 80 ms exceeds maxLatencyP95Ms 50/);
  });

  it('a refusal that records nothing prints no JSON', async () => {
    const dir = tempDir();
    await initModel(dir, 'taxi', 'rolling');
    const r = await cli(['promote', 'taxi', '9.9.9', '--json', '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('measure --endpoint', async () => {
    const dir = tempDir();
    await initModel(dir, 'taxi', 'rolling');
    await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
    const server = http.createServer((_q, s) => s.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', url, '--requests', '20', '--json', '--models-dir', dir]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(Object.keys(out).sort()).toEqual(KEYS);
      expect(out.details).toMatchObject({
        kind: 'endpoint', latencyP50Ms: expect.any(Number), latencyP95Ms: expect.any(Number), latencyP99Ms: expect.any(Number),
        latencyRequests: 20, latencyErrors: 0, provenance: { kind: 'measured', command: 'measure --endpoint' },
      });
    } finally {
      server.close();
    }
  });
});
