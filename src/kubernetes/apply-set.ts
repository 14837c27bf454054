import { createHash } from 'node:crypto';
import type { ModelRecord } from '../core/record';
import { shellWord } from '../core/shell-word';

/**
 * Pruning on Kubernetes: one kubectl ApplySet per output folder and namespace.
 *
 * An ApplySet per model could not delete a removed model's objects: its file is
 * gone, and kubectl refuses to apply nothing ("no objects passed to apply"), so
 * nothing would ever prune that set. With one set per folder and namespace, the
 * next apply of the folder deletes whatever synth stopped writing, a promoted
 * candidate and a removed model alike. kubectl sets `applyset.kubernetes.io/part-of`
 * and keeps the parent Secret itself; it refuses input that already carries the
 * label, so the manifests never do.
 */

/** The namespace a record's objects land in: the record's, or kubectl's `default`. */
export function manifestNamespace(record: ModelRecord): string {
  return record.deploy.kubernetes?.namespace ?? 'default';
}

/**
 * The Secret kubectl keeps as the parent of a folder's ApplySet: one per stand, so
 * two stands sharing a namespace never prune each other's objects.
 */
export function applySetName(stand?: string): string {
  return stand === undefined ? 'modelship-applyset' : `modelship-applyset-${stand}`;
}

/**
 * The value kubectl writes into `applyset.kubernetes.io/part-of` for a Secret parent,
 * as kubectl computes it (`ApplySet.ID()` in kubectl's pkg/cmd/apply/applyset.go):
 * base64url(sha256(name.namespace.Secret.)) between `applyset-` and `-v1`.
 */
export function applySetId(namespace: string, stand?: string): string {
  return secretApplySetId(applySetName(stand), namespace);
}

/** kubectl's ApplySet ID of a Secret parent (core group, hence the empty last part). */
export function secretApplySetId(name: string, namespace: string): string {
  const hashed = createHash('sha256').update([name, namespace, 'Secret', ''].join('.')).digest('base64url');
  return `applyset-${hashed}-v1`;
}

/** The header line that names a manifest's ApplySet; synth reads it back to group a folder by namespace. */
export function applySetHeader(record: ModelRecord, stand?: string): string {
  return `# ApplySet: ${applySetName(stand)}, namespace ${manifestNamespace(record)}. Apply it with all of this folder's manifests\n` +
    "# of that namespace in one `kubectl apply --prune --applyset` (modelship synth prints it); alone, it prunes the others.\n";
}

const HEADER_LINE = /^# ApplySet: (\S+), namespace ([^\s.]+)\./m;

/** The namespace a generated manifest names in its header, if it has one. */
export function namespaceOfManifest(text: string): string | undefined {
  return HEADER_LINE.exec(text.slice(0, 1024))?.[2];
}

/**
 * The command that applies one namespace's manifests of a folder and prunes the rest of
 * its set. A folder of one namespace is applied whole (`-f dir/`), so a CI job can keep
 * one fixed command; with several namespaces each command lists its own files, since
 * kubectl refuses `-n` with objects of another namespace. `--force-conflicts`: the
 * records are the truth for every field the manifests set, and one field changes
 * hands by design: an HPA owns the `replicas` of an autoscaled Deployment, and when
 * synth sets them again (a slot retired to `idleReplicas`, autoscaling dropped) the
 * server would refuse the whole object as a conflict with kube-controller-manager.
 */
export function applyCommand(namespace: string, stand: string | undefined, paths: readonly string[]): string {
  return `KUBECTL_APPLYSET=true kubectl apply -n ${namespace} --server-side --force-conflicts --prune --applyset=${applySetName(stand)} ` +
    paths.map((p) => `-f ${shellWord(p)}`).join(' ');
}

/**
 * What the next `kubectl` call of a folder's ApplySet in a namespace that no longer has a
 * manifest must be: kubectl cannot prune a set from empty input, so its objects and
 * parent are deleted by the set's label instead.
 */
export function deleteCommand(namespace: string, stand?: string): string {
  return `kubectl delete -n ${namespace} deployments,services,poddisruptionbudgets,horizontalpodautoscalers,cronjobs ` +
    `-l applyset.kubernetes.io/part-of=${applySetId(namespace, stand)} && kubectl delete -n ${namespace} secret ${applySetName(stand)}`;
}
