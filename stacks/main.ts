// The cdktf app: `npx cdktf synth` writes cdktf.out/, `cdktf deploy` applies it.
import * as path from 'node:path';
import { App } from 'cdktf';
import { deploymentsForStand } from '../src/core/stands';
import { ModelStore } from '../src/registry/model-store';
import { NomadModelStack } from '../src/nomad/nomad-model-stack';

const modelsDir = process.env.MODELSHIP_MODELS_DIR ?? path.resolve(__dirname, '..', '..', 'models');
// MODELSHIP_STAND=int deploys the stand int of every model declaring it (with
// its overrides); unset, every model's last stand, production. One stack per
// stand, so each stand keeps its own Terraform state.
const stand = process.env.MODELSHIP_STAND || undefined;
const app = new App();
new NomadModelStack(app, stand ? `modelship-nomad-${stand}` : 'modelship-nomad', {
  records: deploymentsForStand(new ModelStore(modelsDir).loadAll(), stand),
  address: process.env.NOMAD_ADDR,
});
app.synth();
