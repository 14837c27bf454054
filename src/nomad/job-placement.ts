import type { NomadDeploySpec } from '../core/record';
import type { Affinity, Constraint } from './job-model';

/**
 * The record's `deploy.nomad` constraints and affinities as the API names
 * them, for every job of the model (the serving jobs and the retraining job
 * alike); absent when there are none, so the job has no empty lists.
 */
export function jobPlacement(nomad: NomadDeploySpec): { Constraints?: Constraint[]; Affinities?: Affinity[] } {
  const constraints: Constraint[] = (nomad.constraints ?? []).map((c) => ({
    ...(c.attribute !== undefined ? { LTarget: c.attribute } : {}),
    ...(c.value !== undefined ? { RTarget: c.value } : {}),
    Operand: c.operator ?? '=',
  }));
  const affinities: Affinity[] = (nomad.affinities ?? []).map((a) => ({
    LTarget: a.attribute, RTarget: a.value, Operand: a.operator ?? '=', Weight: a.weight ?? 50,
  }));
  return {
    ...(constraints.length ? { Constraints: constraints } : {}),
    ...(affinities.length ? { Affinities: affinities } : {}),
  };
}
