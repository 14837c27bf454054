import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import * as ts from 'typescript';
import { ROOT, tempDir } from '../helpers/cli';
import { parseManifest, validateAll } from '../helpers/kube';

/**
 * The package as a user gets it: `npm pack`, unpacked into a fresh project's
 * node_modules as npm unpacks it, a chart and a stack of the user's own
 * compiled against its types and synthesized.
 *
 * Its dependencies and peers are the repo's own installed copies, linked in:
 * `npm install` would fetch the same versions (the lockfile's, which `npm ci`
 * checks against package.json's ranges) and spend about 14 CPU-seconds
 * writing 160 MB. What this suite proves is the package: each linked version
 * falls in the range the manifest declares, and only what the manifest
 * declares is there to resolve (node follows the links to their real paths, so
 * an undeclared require still fails from the unpacked package).
 */
const PEERS = ['cdk8s', 'cdk8s-plus-27', 'constructs', 'cdktf', '@cdktf/provider-nomad'];
const installed = (name: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
const npm = (args: string[], cwd: string): string => execFileSync('npm', args, {
  cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
});

/**
 * Type-checks and emits `main.ts` under each module resolution in one compiler
 * process: the lib and package declarations are parsed once and shared, as
 * TypeScript's language service shares them between programs. The user's own
 * file is parsed afresh for each. Returns each resolution's diagnostics.
 */
function compileUserProject(project: string, resolutions: readonly string[]): Record<string, { diagnostics: string; emitted: boolean }> {
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const result: Record<string, { diagnostics: string; emitted: boolean }> = {};
  for (const moduleResolution of resolutions) {
    const config = {
      compilerOptions: {
        target: 'ES2022', module: moduleResolution === 'node16' ? 'node16' : 'commonjs', moduleResolution,
        strict: true, skipLibCheck: true, outDir: 'out', types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
      },
      files: ['main.ts'],
    };
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(config));
    const { options, fileNames, errors } = ts.parseJsonConfigFileContent(config, ts.sys, project, undefined, path.join(project, 'tsconfig.json'));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
      if (!fileName.endsWith('.d.ts')) return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      // What shapes a parsed declaration file: its target and its module format (CommonJS under node16, none under node10).
      const o = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
      const key = `${o.languageVersion}:${o.impliedNodeFormat}:${fileName}`;
      if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate));
      return parsed.get(key);
    };
    const program = ts.createProgram({ rootNames: fileNames, options, host });
    const emitted = program.emit();
    const diagnostics = [...errors, ...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    result[moduleResolution] = {
      diagnostics: ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n' }),
      emitted: !emitted.emitSkipped,
    };
  }
  return result;
}

const USER_CODE = `
import * as fs from 'node:fs';
import { App, Chart } from 'cdk8s';
import { App as TerraformApp, TerraformStack } from 'cdktf';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { isSemver, ModelRecord, planDeployments } from 'modelship';
import { ModelDeployment, ModelService, BlueGreenModel } from 'modelship/kubernetes';
import { buildModelJob, renderJobHcl } from 'modelship/nomad';
import { NomadModelJob } from 'modelship/nomad/stack';

const record: ModelRecord = {
  name: 'churn',
  artifact: { image: 'registry.example.com/models/churn', path: '/model' },
  serving: { image: 'registry.example.com/apps/churn-api:1.0.0', port: 8080, modelDir: '/models', replicas: 2, resources: { cpu: '1', memory: '2Gi' }, health: { path: '/healthz' } },
  // Figures typed in by hand are declared; this record accepts them for production.
  gates: { maxSizeMiB: 100, maxLatencyP95Ms: 50, acceptDeclared: true },
  deploy: { strategy: 'blue-green', kubernetes: { namespace: 'ml' } },
  versions: [{ version: '1.0.0', stage: 'production', digest: 'sha256:' + 'a'.repeat(64), sizeBytes: 1000, latencyP95Ms: 10, createdAt: '2026-11-01T10:00:00Z' }],
  slots: { active: 'blue', blue: '1.0.0', green: null },
};
if (!isSemver('1.0.0') || planDeployments(record).live?.slot !== 'blue') throw new Error('the domain entry point');

// A chart of the user's own: the record-level construct next to a hand-placed deployment and service.
const app = new App({ outdir: process.argv[2] });
const chart = new Chart(app, 'platform', { namespace: 'ml', disableResourceNameHashes: true });
const bg = new BlueGreenModel(chart, 'churn', { record });
// Only what a deployment needs; the rest defaults (port 8080, /healthz probes, hardened pods).
const extra = new ModelDeployment(chart, 'shadow', {
  modelName: 'churn', deploymentName: 'churn-shadow', selectorLabels: { track: 'shadow' }, replicas: 1,
  artifact: { image: 'registry.example.com/models/churn' },
  serving: { image: 'registry.example.com/apps/churn-api:1.0.0', resources: { cpu: '1', memory: '2Gi' } },
  version: { version: '1.0.0', digest: 'sha256:' + 'a'.repeat(64), sizeBytes: 1000 },
});
new ModelService(chart, 'shadow-svc', { serviceName: 'churn-shadow', modelName: 'churn', selector: { track: 'shadow' }, targetPort: 8080 });
if (!bg.slots.blue || !extra.deployment) throw new Error('constructs do not expose their objects');
app.synth();

// A Terraform stack of the user's own, with its own provider.
const tf = new TerraformApp({ outdir: process.argv[3] });
const stack = new TerraformStack(tf, 'ml-jobs');
new NomadProvider(stack, 'nomad', { address: 'http://nomad.example.com:4646' });
new NomadModelJob(stack, 'churn', { record });
tf.synth();
fs.writeFileSync(process.argv[4], renderJobHcl(buildModelJob({ record })!));
`;

describe('the packed package', () => {
  let project: string;
  let files: string[];
  let packed: { dependencies: Record<string, string>; peerDependencies: Record<string, string> };

  beforeAll(() => {
    const dest = tempDir('modelship-pack-');
    // lib/ is built by `npm test`'s pretest; packing must not depend on a compiler in the user's project.
    const [pack] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dest], ROOT));
    files = pack.files.map((f: { path: string }) => f.path);
    project = tempDir('modelship-user-');
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, version: '1.0.0' }));
    const unpacked = path.join(project, 'node_modules', 'modelship');
    fs.mkdirSync(unpacked, { recursive: true });
    // npm's tarballs hold everything under package/.
    execFileSync('tar', ['-xzf', path.join(dest, pack.filename), '-C', unpacked, '--strip-components=1']);
    // Links the package's bin into node_modules/.bin as `npm install` does (and runs no scripts);
    // before the dependencies are linked in, so npm does not walk their 376 packages (0.4 s, not 2 s).
    npm(['rebuild', 'modelship', '--ignore-scripts', '--offline'], project);
    packed = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
    for (const name of Object.keys({ ...packed.dependencies, ...packed.peerDependencies })) {
      fs.mkdirSync(path.dirname(path.join(project, 'node_modules', name)), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(project, 'node_modules', name), 'dir');
    }
  }, 300_000);

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it('holds the compiled library and the CLI, no tests, benches or example records', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/modelship.js', 'lib/src/index.js', 'lib/src/index.d.ts',
      'lib/src/kubernetes/index.d.ts', 'lib/src/nomad/index.d.ts', 'lib/src/nomad/nomad-model-stack.d.ts']));
    expect(files.filter((f) => /^(test|bench|models|charts|stacks|lib\/test|lib\/charts|lib\/stacks)\/|\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...PEERS].sort());
  });

  it('the linked dependencies and peers are versions its manifest accepts', () => {
    const ranges = { ...packed.dependencies, ...packed.peerDependencies };
    expect(Object.keys(ranges).length).toBeGreaterThan(PEERS.length);
    const outside = Object.entries(ranges).filter(([name, range]) => !semver.satisfies(installed(name), range)).map(([name, range]) => `${name}@${installed(name)} not in ${range}`);
    expect(outside).toEqual([]);
  });

  it('a user\'s own chart and stack compile against its types and synthesize', () => {
    fs.writeFileSync(path.join(project, 'main.ts'), USER_CODE);
    // node16 resolution reads the exports map; the default (node10) reads typesVersions: both must find every entry point.
    // node10 compiles last: its CommonJS output is what runs below.
    const compiled = compileUserProject(project, ['node16', 'node10']);
    expect(Object.keys(compiled)).toEqual(['node16', 'node10']);
    for (const [moduleResolution, { diagnostics, emitted }] of Object.entries(compiled)) {
      expect({ moduleResolution, diagnostics, emitted }).toEqual({ moduleResolution, diagnostics: '', emitted: true });
    }
    const k8sOut = path.join(project, 'dist');
    const tfOut = path.join(project, 'cdktf.out');
    const hcl = path.join(project, 'churn.nomad.hcl');
    const run = spawnSync(process.execPath, [path.join(project, 'out/main.js'), k8sOut, tfOut, hcl], { cwd: project, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const objects = parseManifest(fs.readFileSync(path.join(k8sOut, 'platform.k8s.yaml'), 'utf8'));
    validateAll(objects);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/churn-blue', 'Deployment/churn-shadow', 'PodDisruptionBudget/churn', 'Service/churn', 'Service/churn-shadow',
    ]);
    const tf = JSON.parse(fs.readFileSync(path.join(tfOut, 'stacks/ml-jobs/cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource.nomad_job)).toEqual(['churn']);
    expect(fs.readFileSync(hcl, 'utf8')).toMatch(/group "blue"/);
    const version = spawnSync(path.join(project, 'node_modules/.bin/modelship'), ['--version'], { encoding: 'utf8' });
    expect([version.status, version.stdout]).toEqual([0, '0.1.0\n']);
  });
});
