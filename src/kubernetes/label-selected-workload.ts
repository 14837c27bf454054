import * as kplus from 'cdk8s-plus-27';

/*
 * cdk8s-plus selects a workload's pods (a Service's `selector: deployment`,
 * `exposeViaService`, `connections.isolate()`, pod affinity) by a label holding the
 * construct's path. modelship does not hand that label to a cluster (the pods are
 * selected by their model, slot and track), so a user's own cdk8s-plus object that
 * selected a modelship workload matched no pod: a Service with no endpoints, a
 * NetworkPolicy isolating nothing. These select by the labels the pods carry.
 */

function byLabels(workload: kplus.Workload): kplus.PodSelectorConfig {
  const namespace = workload.metadata.namespace;
  return {
    labelSelector: kplus.LabelSelector.of({ labels: workload.matchLabels, expressions: workload.matchExpressions }),
    namespaces: namespace ? { names: [namespace] } : undefined,
  };
}

/** A Deployment that other cdk8s-plus objects select by its selector's labels. */
export class LabelSelectedDeployment extends kplus.Deployment {
  override toPodSelectorConfig(): kplus.PodSelectorConfig {
    return byLabels(this);
  }
}

/**
 * A CronJob whose Jobs' pods other cdk8s-plus objects select by the labels given to
 * `select()` (a CronJob renders no selector of its own; these are only for selection).
 */
export class LabelSelectedCronJob extends kplus.CronJob {
  override toPodSelectorConfig(): kplus.PodSelectorConfig {
    return byLabels(this);
  }
}
