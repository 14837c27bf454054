import { ApiObject, Cron, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { cpuMillis, memoryMiB } from '../core/quantities';
import type { ModelRecord } from '../core/record';
import { retrainingJobEnvironment, retrainingResources } from '../core/retraining-contract';
import { MODEL_UID, requireNonRootUid } from '../core/runtime-user';
import { hardenedContainer } from './hardened-container';
import { LabelSelectedCronJob } from './label-selected-workload';
import { kubeletLiteral } from './kubelet-literal';
import { podPlacement } from './pod-placement';
import { isDnsSubdomain } from '../core/names';
import { secretEnvValues } from './secret-env-values';
import { ANNOTATION_RETRAIN_ON_DRIFT, LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF } from './labels';
import { requireUniqueObjects } from './unique-objects';
import { requireRecordNamespace } from './record-namespace';

export interface RetrainingCronJobProps {
  /** The record; its `retraining` block is rendered. */
  readonly record: ModelRecord;
  /** Name of the CronJob. @default `<name>-retrain` */
  readonly cronJobName?: string;
  /** uid and gid of the training container. @default 1000 */
  readonly runAsUser?: number;
  /** Size of the writable `/tmp` (the root file system is read-only). @default 10 GiB */
  readonly scratch?: Size;
  /** Longest a run may take before Kubernetes stops it. @default 12 hours */
  readonly activeDeadline?: Duration;
}

/**
 * The record's scheduled retraining as a batch/v1 CronJob: never two runs at
 * once (Forbid), three successful and three failed Jobs kept for their logs,
 * the pod hardened like the serving pods, and the environment contract of
 * `retrainingEnvironment` on the training container.
 */
export class RetrainingCronJob extends Construct {
  readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string, props: RetrainingCronJobProps) {
    super(scope, id);
    requireUniqueObjects(this);
    const r = props.record;
    requireRecordNamespace(this, r, 'RetrainingCronJob');
    const spec = r.retraining;
    if (!spec) throw new Error(`${r.name}: RetrainingCronJob needs a retraining block`);
    const [minute, hour, day, month, weekDay] = spec.schedule.trim().split(/\s+/);
    const uid = requireNonRootUid(props.runAsUser ?? MODEL_UID, `${r.name}: RetrainingCronJob runAsUser`);
    // The record's labels, annotations, pull secrets and placement go on every pod, the training pod included.
    const k8s = r.deploy.kubernetes ?? {};
    const labels = {
      ...k8s.labels,
      [LABEL_NAME]: r.name,
      [LABEL_PART_OF]: r.name,
      [LABEL_MANAGED_BY]: 'modelship',
      [LABEL_COMPONENT]: 'retraining',
    };
    const scratchSize = props.scratch ?? Size.gibibytes(10);
    const scratch = kplus.Volume.fromEmptyDir(this, 'scratch', 'scratch', { sizeLimit: scratchSize });
    // The scratch volume and the logs, asked for as the serving pods ask for theirs.
    const diskMiB = Math.ceil(scratchSize.toMebibytes()) + 64;
    const resources = retrainingResources(r);
    const cpu = kplus.Cpu.millis(cpuMillis(resources.cpu));
    const memory = Size.mebibytes(memoryMiB(resources.memory));

    this.cronJob = new LabelSelectedCronJob(this, 'cron-job', {
      metadata: {
        name: props.cronJobName ?? `${r.name}-retrain`,
        labels,
        annotations: { ...k8s.annotations, [ANNOTATION_RETRAIN_ON_DRIFT]: String(spec.onDrift ?? false) },
      },
      podMetadata: { labels, ...(k8s.annotations ? { annotations: { ...k8s.annotations } } : {}) },
      schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
      // The schedule means UTC wherever the controller runs.
      timeZone: 'Etc/UTC',
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      successfulJobsRetained: 3,
      failedJobsRetained: 3,
      startingDeadline: Duration.hours(1),
      backoffLimit: 2,
      activeDeadline: props.activeDeadline ?? Duration.hours(12),
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid },
      volumes: [scratch],
      containers: [{
        name: 'train',
        image: spec.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: spec.command?.map(kubeletLiteral),
        args: spec.args?.map(kubeletLiteral),
        envVariables: {
          ...Object.fromEntries(Object.entries({ TMPDIR: '/tmp', ...retrainingJobEnvironment(r) })
            .map(([k, v]) => [k, kplus.EnvValue.fromValue(kubeletLiteral(v))])),
          ...secretEnvValues(this, `${r.name}: retraining.secretEnv`, spec.secretEnv, spec.env),
        },
        volumeMounts: [{ volume: scratch, path: '/tmp' }],
        securityContext: hardenedContainer(uid),
        resources: { cpu: { request: cpu, limit: cpu }, memory: { request: memory, limit: memory } },
      }],
    });
    // What a user's NetworkPolicy or Service selects the training pods by (the construct-path label goes below).
    this.cronJob.select(kplus.LabelSelector.of({ labels: { [LABEL_NAME]: r.name, [LABEL_COMPONENT]: 'retraining' } }));
    const api = ApiObject.of(this.cronJob);
    const pod = '/spec/jobTemplate/spec/template/spec';
    api.addJsonPatch(JsonPatch.add(`${pod}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
    api.addJsonPatch(JsonPatch.add(`${pod}/enableServiceLinks`, false));
    // As on the serving pods: a label encoding a construct path is not one to hand to a cluster.
    api.addJsonPatch(JsonPatch.remove('/spec/jobTemplate/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    // In one patch, as on the serving pods: CPU and memory as the record writes them (cdk8s-plus rounds to millicores
    // and MiB), the disk in MiB (it writes whole GiB).
    const figures = Object.fromEntries(Object.entries({ cpu: resources.cpu, memory: resources.memory, 'ephemeral-storage': `${diskMiB}Mi` })
      .map(([resource, value]) => [resource, kplus.k8s.Quantity.fromString(value)]));
    api.addJsonPatch(JsonPatch.replace(`${pod}/containers/0/resources`, { limits: figures, requests: figures }));
    for (const [field, value] of Object.entries(podPlacement(k8s))) api.addJsonPatch(JsonPatch.add(`${pod}/${field}`, value));
    // The training pods' own identity: they write where the servers only read.
    const account = k8s.retrainingServiceAccountName;
    if (account !== undefined) {
      if (!isDnsSubdomain(account)) throw new Error(`${r.name}: kubernetes.retrainingServiceAccountName must be a ServiceAccount name (a DNS-1123 subdomain), not ${JSON.stringify(account)}`);
      api.addJsonPatch(JsonPatch.add(`${pod}/serviceAccountName`, account));
    }
  }
}
