// The cdktf app: `npx cdktf synth` writes cdktf.out/, `cdktf deploy` applies it.
import * as path from 'node:path';
import { App } from 'cdktf';
import { ModelStore } from '../src/registry/model-store';
import { NomadModelStack } from '../src/nomad/nomad-model-stack';

const modelsDir = process.env.MODELSHIP_MODELS_DIR ?? path.resolve(__dirname, '..', '..', 'models');
const app = new App();
new NomadModelStack(app, 'modelship-nomad', {
  records: new ModelStore(modelsDir).loadAll(),
  address: process.env.NOMAD_ADDR,
});
app.synth();
