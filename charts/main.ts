// The cdk8s app: `npx cdk8s synth` writes the same files as `modelship synth --target kubernetes`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploymentsForStand } from '../src/core/stands';
import { renderManifests } from '../src/kubernetes/render-manifests';
import { ModelStore } from '../src/registry/model-store';

const modelsDir = process.env.MODELSHIP_MODELS_DIR ?? path.resolve(__dirname, '..', '..', 'models');
// cdk8s-cli tells the app where to write; the default matches cdk8s.yaml.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/kubernetes';
// MODELSHIP_STAND=int renders the stand int of every model declaring it (with
// its overrides); unset, every model's last stand, production.
const stand = process.env.MODELSHIP_STAND || undefined;
const files = renderManifests(deploymentsForStand(new ModelStore(modelsDir).loadAll(), stand), { stand });
fs.mkdirSync(outdir, { recursive: true });
for (const [name, text] of files) fs.writeFileSync(path.join(outdir, name), text);
