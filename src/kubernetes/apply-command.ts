import type { ModelRecord } from '../core/record';

/** The Secret kubectl keeps as the ApplySet parent of one model's objects. */
export function applySetName(record: ModelRecord): string {
  return `modelship-${record.name}`;
}

/**
 * The command that applies a model's manifest and deletes what synth no longer
 * writes (a `-candidate` after its promotion, an HPA after autoscaling is
 * dropped). kubectl labels the objects and keeps the parent Secret itself; it
 * refuses input that already carries `applyset.kubernetes.io/part-of`, so the
 * manifest must not.
 */
export function applyCommand(record: ModelRecord, file: string): string {
  const namespace = record.deploy.kubernetes?.namespace ?? 'default';
  return `KUBECTL_APPLYSET=true kubectl apply -n ${namespace} --prune --applyset=${applySetName(record)} -f ${file}`;
}
