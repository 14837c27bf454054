import type { KubernetesDeploySpec } from '../core/record';

/**
 * The pod spec fields that say where and how a model's pods are placed and
 * pulled, in the API's own shape. cdk8s-plus models node selection as
 * construct relations; the record states plain fields, so they go in as written.
 */
export function podPlacement(k8s: KubernetesDeploySpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (k8s.imagePullSecrets?.length) out.imagePullSecrets = k8s.imagePullSecrets.map((name) => ({ name }));
  if (k8s.nodeSelector && Object.keys(k8s.nodeSelector).length) out.nodeSelector = { ...k8s.nodeSelector };
  if (k8s.tolerations?.length) out.tolerations = k8s.tolerations.map((t) => ({ ...t }));
  if (k8s.priorityClassName) out.priorityClassName = k8s.priorityClassName;
  const required = k8s.affinity?.required ?? [];
  const preferred = k8s.affinity?.preferred ?? [];
  if (required.length || preferred.length) {
    const expression = (e: { key: string; operator: string; values?: readonly string[] }) =>
      ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) });
    out.affinity = {
      nodeAffinity: {
        ...(required.length ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: required.map(expression) }] } } : {}),
        ...(preferred.length ? {
          preferredDuringSchedulingIgnoredDuringExecution: preferred.map((p) => ({ weight: p.weight, preference: { matchExpressions: [expression(p)] } })),
        } : {}),
      },
    };
  }
  return out;
}
