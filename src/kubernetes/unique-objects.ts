import { ApiObject, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** Charts that already check their objects' names: one check per chart, however many models it holds. */
const checked = new WeakSet<Chart>();

/**
 * Registers, once per chart, a validation that no two objects of the chart share a
 * kind, namespace and name. cdk8s writes both, and whichever `kubectl apply` reads
 * last wins: a second BlueGreenModel of one record in a chart, or models `a` and
 * `a-candidate` side by side, would silently replace each other's Deployment.
 * It runs when the app synthesizes (`app.synth()`), as cdk8s validations do.
 */
export function requireUniqueObjects(scope: IConstruct): void {
  const chart = Chart.of(scope);
  if (checked.has(chart)) return;
  checked.add(chart);
  chart.node.addValidation({
    validate: () => {
      const seen = new Map<string, string>();
      const problems: string[] = [];
      for (const c of chart.node.findAll()) {
        if (!(c instanceof ApiObject) || c.metadata.name === undefined) continue;
        const id = `${c.kind} ${c.metadata.namespace ?? 'default'}/${c.metadata.name}`;
        const first = seen.get(id);
        if (first === undefined) seen.set(id, c.node.path);
        else problems.push(`two objects are ${id} (${first} and ${c.node.path}): the one kubectl applies last would replace the other; give one another name or namespace`);
      }
      return problems;
    },
  });
}
