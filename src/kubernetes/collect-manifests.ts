import { PolicyError } from '../core/errors';
import { KUBERNETES_NAME_SUFFIXES } from '../core/names';
import type { EmitFile, RecordRender } from '../synth/rendered-file';
import { namespaceOfManifest } from './apply-set';

// No cdk8s here: synth's main thread collects what its render threads rendered without loading it.

/**
 * The files of each record in record order (some perhaps rendered on another
 * thread); the first that throws, or the first model whose objects would take
 * the names of another model's, stops it.
 */
export function collectManifests(perRecord: readonly RecordRender[]): Map<string, string> {
  const out = new Map<string, string>();
  const models = new Set<string>();
  const emit: EmitFile = (name, text) => {
    const model = name.slice(0, -'.k8s.yaml'.length);
    const namespace = namespaceOfManifest(text) ?? 'default';
    const clash = nameClash(model, namespace, models);
    if (clash) throw new PolicyError(clash);
    models.add(`${namespace}/${model}`);
    out.set(name, text);
  };
  for (const render of perRecord) render(emit);
  return out;
}


/**
 * Deployments and Services of one namespace share a name space: model `x-candidate`
 * would overwrite model `x`'s candidate (or `x-blue` its blue slot) on apply.
 * Refused by name, whether or not `x` has that object today, since it may tomorrow.
 */
function nameClash(model: string, namespace: string, seen: ReadonlySet<string>): string | undefined {
  for (const suffix of KUBERNETES_NAME_SUFFIXES) {
    if (model.endsWith(`-${suffix}`) && seen.has(`${namespace}/${model.slice(0, -suffix.length - 1)}`)) {
      return clashMessage(model, model.slice(0, -suffix.length - 1), suffix, namespace);
    }
    if (seen.has(`${namespace}/${model}-${suffix}`)) return clashMessage(`${model}-${suffix}`, model, suffix, namespace);
  }
  return undefined;
}

function clashMessage(derivedNamed: string, base: string, suffix: string, namespace: string): string {
  return `models ${base} and ${derivedNamed} in namespace ${namespace}: ${base}'s ${suffix === 'candidate' || suffix === 'preview' ? suffix : `${suffix} slot`} ` +
    `objects are named ${derivedNamed}; rename one of the models or give it another namespace`;
}
