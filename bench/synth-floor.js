'use strict';
// The floor of `modelship synth` (timed by bench/synth.js): a node process that
// starts, reads the objects synth would serialize (bench/synth-floor-inputs.js),
// serializes them with the same serializer and options (yaml's stringify with
// cdk8s' Yaml.stringify options, as modelship's manifestYaml calls it; modelship's
// HCL writer and JSON.stringify for Nomad) and writes the same files the same way synth does
// (writeFilesAtomicConcurrently: temp files, fsyncs in flight together, renames),
// so the ratio is not flattered by a slower writer in the floor. No records
// parsed, no constructs, no validation.
// Run: node bench/synth-floor.js INPUTS_FILE TARGET OUT_DIR
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const lib = (m) => require(`../lib/src/${m}`);

const [inputs, target, out] = process.argv.slice(2);
const files = v8.deserialize(fs.readFileSync(inputs));
const { writeFilesAtomicConcurrently } = lib('registry/staged-write');
const written = new Map();
const dir = path.join(out, target);
if (target === 'kubernetes') {
  // The serializer synth uses: yaml's stringify with cdk8s' options, quoting for Go's readers as well.
  const { manifestYaml } = lib('kubernetes/manifest-yaml');
  for (const f of files) {
    const text = manifestYaml(f.objects);
    written.set(path.join(dir, f.name), f.header + text);
  }
} else {
  const { renderJobHcl } = lib('nomad/job-hcl');
  const { renderJobJson } = lib('nomad/job-json');
  const { renderRetrainingJobHcl, renderRetrainingJobJson } = lib('nomad/retraining-job');
  for (const f of files) {
    const [hcl, json] = f.writer === 'job' ? [renderJobHcl, renderJobJson] : [renderRetrainingJobHcl, renderRetrainingJobJson];
    written.set(path.join(dir, `${f.name}.nomad.hcl`), hcl(f.job));
    written.set(path.join(dir, `${f.name}.nomad.json`), json(f.job));
  }
}
fs.mkdirSync(dir, { recursive: true });
writeFilesAtomicConcurrently(written).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
