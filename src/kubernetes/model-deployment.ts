import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PolicyError } from '../core/errors';
import { evaluateGates } from '../core/gates';
import { hashJobsFor, INIT_SCRIPT } from '../core/init-script';
import { initImage } from '../core/model-image';
import { provenanceKind } from '../core/provenance';
import { cpuMillis, memoryMiB, modelVolumeMiB } from '../core/quantities';
import { hardenedContainer } from './hardened-container';
import { kubeletLiteral } from './kubelet-literal';
import { LabelSelectedDeployment } from './label-selected-workload';
import { modelDeploymentPropsProblems } from './model-deployment-props';
import { requireUniqueObjects } from './unique-objects';
import { requireRecordNamespace } from './record-namespace';
import { MODEL_UID, requireNonRootUid } from '../core/runtime-user';
import type { AutoscalingSpec, Gates, KubernetesDeploySpec, ModelRecord, ServingSpec, SlotName, VersionEntry } from '../core/record';
import { gpuResourceName } from './gpu-resource';
import { podPlacement } from './pod-placement';
import { secretEnvValues } from './secret-env-values';
import type { SecretEnv } from '../core/secret-env';
import {
  ANNOTATION_DIGEST, ANNOTATION_GATE_LATENCY, ANNOTATION_GATE_SIZE, ANNOTATION_LATENCY_P95, ANNOTATION_LATENCY_P95_CI,
  ANNOTATION_LATENCY_SOURCE, ANNOTATION_SIZE_BYTES, ANNOTATION_SIZE_SOURCE,
  LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, LABEL_SLOT, LABEL_STAGE, LABEL_VERSION,
} from './labels';

const DEFAULT_PORT = 8080;
const DEFAULT_HEALTH_PATH = '/healthz';
const DEFAULT_MODEL_DIR = '/models';
const DEFAULT_ARTIFACT_PATH = '/model';
/** Two, as cdk8s-plus defaults: one pod can be drained without an outage. */
const DEFAULT_REPLICAS = 2;

/** Where the init container mounts the shared volume; the artifact lands in `model/` under it. */
const STAGING_MOUNT = '/modelship';
/** The writable /tmp of both containers (the root file system is read-only). */
const TMP_MIB = 64;
/** A container's logs and anything else outside the volumes, in its disk request. */
const LOG_MIB = 64;
const MODEL_SUBDIR = 'model';

/** The figures of the version a deployment runs: what it needs, and what gates read. */
export interface ModelVersionProps extends Partial<Omit<VersionEntry, 'version' | 'digest' | 'sizeBytes'>> {
  /** The version: the model image's tag and `MODEL_VERSION`. */
  readonly version: string;
  /** Tree digest of the artifact (`sha256:<hex>`), verified by the init container. */
  readonly digest: string;
  /** Size of the artifact in bytes: sizes the model volume. */
  readonly sizeBytes: number;
}

/** The model server container. */
export interface ModelServerProps {
  /** The server image, e.g. `registry.example.com/apps/api:1.2.3`. */
  readonly image: string;
  /** The port the server listens on. @default 8080 */
  readonly port?: number;
  /** Where the model volume is mounted; the model is in `<modelDir>/model`. @default "/models" */
  readonly modelDir?: string;
  /** Replicas. @default 2 */
  readonly replicas?: number;
  /** CPU and memory (requests = limits) and GPUs. */
  readonly resources: Pick<ServingSpec['resources'], 'cpu' | 'memory' | 'gpu'>;
  /** The HTTP path of the startup, readiness and liveness probes. @default { path: "/healthz" } */
  readonly health?: { readonly path: string };
  /** Extra environment, delivered literally. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment from Secrets in the Deployment's namespace (the server only, never the init container). @default - none */
  readonly secretEnv?: SecretEnv;
  /** The server's entrypoint. @default - the image's */
  readonly command?: readonly string[];
  /** The server's arguments. @default - the image's */
  readonly args?: readonly string[];
}

/** How often and how patiently a probe asks. */
export interface ProbeTiming {
  /** @default 5 s (startup, readiness), 10 s (liveness) */
  readonly periodSeconds?: number;
  /** @default 60 (startup: 5 minutes to load a model), 3 (readiness), 6 (liveness) */
  readonly failureThreshold?: number;
  /** @default 2 */
  readonly timeoutSeconds?: number;
}

export interface ModelDeploymentProps {
  /** Model name: the `app.kubernetes.io/name` label, always part of the selector. */
  readonly modelName: string;
  /** Name of the Deployment, e.g. `taxi-fare` or `fraud-detector-blue`. @default modelName */
  readonly deploymentName?: string;
  /** The model image repository (tagged with the version) and the artifact's path inside it. @default path "/model" */
  readonly artifact: { readonly image: string; readonly path?: string };
  /** The serving container. */
  readonly serving: ModelServerProps;
  /**
   * Gates the version must be within to serve as `production` or `validated`
   * (a candidate: its size only). Checked at construction and again at synth.
   * @default - no gate check
   */
  readonly gates?: Gates;
  /** The version to run and its figures. */
  readonly version: ModelVersionProps;
  /**
   * The stage this deployment serves as, its `modelship.io/stage` label.
   * @default version.stage, else "production"
   */
  readonly servesAs?: VersionEntry['stage'];
  /** Blue-green slot this deployment is. @default - none (rolling) */
  readonly slot?: SlotName;
  /** Labels that select this deployment's pods, beyond the model name. @default - the model name only */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** @default serving.replicas, else 2 */
  readonly replicas?: number;
  /** Probe timings, per probe. @default - see ProbeTiming */
  readonly probes?: { readonly startup?: ProbeTiming; readonly readiness?: ProbeTiming; readonly liveness?: ProbeTiming };
  /**
   * How pods are replaced on a change.
   * @default - rolling update, 25% surge, none unavailable
   */
  readonly strategy?: kplus.DeploymentStrategy;
  /** uid and gid of both containers. @default 1000 */
  readonly runAsUser?: number;
  /**
   * Scheduling, registry credentials and extra metadata for the pods and objects.
   * @default - none
   */
  readonly kubernetes?: KubernetesDeploySpec;
  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) on this Deployment, which then
   * owns the replica count: `replicas` is not rendered.
   * @default - a fixed `replicas`
   */
  readonly autoscaling?: AutoscalingSpec;
  /**
   * The init container's CPU and memory. An init container runs alone, so the
   * pod's effective request is the larger of it and the server's: the server's
   * figures cost nothing extra and let hashing a large model use them.
   * @default - the server's (at least 100m CPU and 64Mi)
   */
  readonly initResources?: { readonly cpu: string; readonly memory: string };
  /** Extra labels on the Deployment only (not its pods), e.g. a slot's role. @default - none */
  readonly deploymentLabels?: Readonly<Record<string, string>>;
}


/**
 * One Deployment serving one model version: an init container from the model
 * image copies the artifact into an emptyDir, verifies its tree digest and
 * marks it ready; the server mounts that volume read-only. Hardened by default.
 */
export class ModelDeployment extends Construct {
  /**
   * The Deployment of one version of a record: the record supplies the model,
   * the server, the gates and the cluster settings; `options` the rest.
   */
  static fromRecord(
    scope: Construct, id: string, record: ModelRecord, version: VersionEntry,
    options: Omit<ModelDeploymentProps, 'modelName' | 'artifact' | 'serving' | 'gates' | 'version' | 'kubernetes'> = {},
  ): ModelDeployment {
    requireRecordNamespace(scope, record, 'ModelDeployment.fromRecord in');
    const { digest, sizeBytes } = version;
    const at = `${record.name} ${version.version}`;
    if (digest === undefined) throw new PolicyError(`${at} has no digest; the init container cannot verify it (run modelship measure --artifact)`);
    if (sizeBytes === undefined) throw new PolicyError(`${at} has no sizeBytes; the model volume cannot be sized (run modelship measure --artifact)`);
    return new ModelDeployment(scope, id, {
      modelName: record.name, artifact: record.artifact, serving: record.serving, gates: record.gates,
      kubernetes: record.deploy.kubernetes, version: { ...version, digest, sizeBytes }, ...options,
    });
  }

  readonly deployment: kplus.Deployment;
  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** Labels on every pod, a superset of the selector. */
  readonly podLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    requireUniqueObjects(this);
    // Before anything reads them: a program's props have passed no schema (a record's have).
    const problems = modelDeploymentPropsProblems(props);
    if (problems.length) throw new Error(`${props.deploymentName ?? props.modelName}: ${problems.join('; ')}`);
    const { version: v, serving } = props;
    const deploymentName = props.deploymentName ?? props.modelName;
    const servesAs = props.servesAs ?? v.stage ?? 'production';
    const port = serving.port ?? DEFAULT_PORT;
    const healthPath = serving.health?.path ?? DEFAULT_HEALTH_PATH;
    const mountPath = serving.modelDir ?? DEFAULT_MODEL_DIR;
    const artifactPath = props.artifact.path ?? DEFAULT_ARTIFACT_PATH;
    const selectorLabels = props.selectorLabels ?? {};
    const replicas = props.replicas ?? serving.replicas ?? DEFAULT_REPLICAS;
    // A version that may not run here is a refusal by policy; a nonsensical prop is a bug in the caller.
    const refusals = gateProblems(props, servesAs);
    if (refusals.length) throw new PolicyError(refusals.join('; '));
    if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`${deploymentName}: replicas must be a whole number >= 0, not ${replicas}`);
    const { digest, sizeBytes } = v;

    const k8s = props.kubernetes ?? {};
    this.podLabels = {
      ...k8s.labels,
      [LABEL_NAME]: props.modelName,
      [LABEL_VERSION]: v.version,
      [LABEL_PART_OF]: props.modelName,
      [LABEL_MANAGED_BY]: 'modelship',
      [LABEL_COMPONENT]: 'model-server',
      ...selectorLabels,
    };
    const uid = requireNonRootUid(props.runAsUser ?? MODEL_UID, `${deploymentName}: runAsUser`);
    const modelMiB = modelVolumeMiB(sizeBytes);
    const modelVolume = kplus.Volume.fromEmptyDir(this, 'model', 'model', { sizeLimit: Size.mebibytes(modelMiB) });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(TMP_MIB) });
    // The node's disk the pod uses, asked for like CPU and memory: the scheduler places a large model where it fits,
    // a quota on requests.ephemeral-storage admits the pod, and disk pressure does not evict it first (usage over a
    // request of 0). The volumes count against the pod's limit, the sum of its containers'; the rest is logs.
    // cdk8s-plus writes ephemeral-storage in whole GiB only: patched in as MiB below.
    const diskMiB = modelMiB + TMP_MIB + LOG_MIB;
    const hardened = hardenedContainer(uid);
    const modelDir = `${mountPath.replace(/\/$/, '')}/${MODEL_SUBDIR}`;
    const initCpu = Math.max(100, cpuMillis(props.initResources?.cpu ?? serving.resources.cpu));
    const initMemory = Math.max(64, memoryMiB(props.initResources?.memory ?? serving.resources.memory));

    this.deployment = new LabelSelectedDeployment(this, 'deployment', {
      metadata: {
        name: deploymentName,
        labels: {
          ...this.podLabels,
          ...props.deploymentLabels,
          [LABEL_STAGE]: servesAs,
          ...(props.slot ? { [LABEL_SLOT]: props.slot } : {}),
        },
        annotations: {
          ...k8s.annotations,
          [ANNOTATION_DIGEST]: digest,
          [ANNOTATION_SIZE_BYTES]: String(sizeBytes),
          ...(v.latencyP95Ms !== undefined ? {
            [ANNOTATION_LATENCY_P95]: String(v.latencyP95Ms),
            [ANNOTATION_LATENCY_SOURCE]: provenanceKind(v.provenance?.latency),
          } : {}),
          ...(v.latencyP95LowMs !== undefined && v.latencyP95HighMs !== undefined
            ? { [ANNOTATION_LATENCY_P95_CI]: `${v.latencyP95LowMs}-${v.latencyP95HighMs}` } : {}),
          [ANNOTATION_SIZE_SOURCE]: provenanceKind(v.provenance?.size),
          ...(props.gates ? {
            [ANNOTATION_GATE_SIZE]: String(props.gates.maxSizeMiB),
            [ANNOTATION_GATE_LATENCY]: String(props.gates.maxLatencyP95Ms),
          } : {}),
        },
      },
      // With an autoscaler a fixed count would fight it: every apply would reset the scale.
      replicas: props.autoscaling ? undefined : replicas,
      select: false,
      // The stage lives on the Deployment, not the pod template: a switch changes
      // a Service selector and a label, and must not restart a single pod.
      podMetadata: { labels: this.podLabels, ...(k8s.annotations ? { annotations: { ...k8s.annotations } } : {}) },
      strategy: props.strategy ?? kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid },
      volumes: [modelVolume, tmpVolume],
      initContainers: [{
        name: 'model-init',
        image: initImage(props.artifact, v),
        // Version tags are immutable: a node that has the image need not pull it again.
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['sh', '-c', INIT_SCRIPT].map(kubeletLiteral),
        envVariables: literalEnv({
          MODELSHIP_SRC: artifactPath,
          MODELSHIP_DEST: `${STAGING_MOUNT}/${MODEL_SUBDIR}`,
          MODELSHIP_VERSION: v.version,
          MODELSHIP_DIGEST: digest,
          MODELSHIP_HASH_JOBS: hashJobsFor(initCpu),
          // The root file system is read-only; the hashing's lists go to the pod's own /tmp.
          TMPDIR: '/tmp',
        }),
        volumeMounts: [{ volume: modelVolume, path: STAGING_MOUNT }, { volume: tmpVolume, path: '/tmp' }],
        securityContext: hardened,
        resources: {
          cpu: { request: kplus.Cpu.millis(initCpu), limit: kplus.Cpu.millis(initCpu) },
          memory: { request: Size.mebibytes(initMemory), limit: Size.mebibytes(initMemory) },
        },
      }],
      containers: [{
        name: 'server',
        image: serving.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ...(serving.command ? { command: serving.command.map(kubeletLiteral) } : {}),
        ...(serving.args ? { args: serving.args.map(kubeletLiteral) } : {}),
        ports: [{ number: port, name: 'http' }],
        envVariables: {
          ...literalEnv({
            ...serving.env,
            MODEL_DIR: modelDir,
            MODEL_VERSION: v.version,
            MODEL_DIGEST: digest,
          }),
          ...secretEnvValues(this, `${props.modelName}: serving.secretEnv`, serving.secretEnv, serving.env),
        },
        volumeMounts: [
          { volume: modelVolume, path: mountPath, readOnly: true },
          { volume: tmpVolume, path: '/tmp' },
        ],
        securityContext: hardened,
        resources: {
          cpu: { request: kplus.Cpu.millis(cpuMillis(serving.resources.cpu)), limit: kplus.Cpu.millis(cpuMillis(serving.resources.cpu)) },
          memory: { request: Size.mebibytes(memoryMiB(serving.resources.memory)), limit: Size.mebibytes(memoryMiB(serving.resources.memory)) },
        },
        // Loading a large model can take minutes; the startup probe holds liveness off until then.
        startup: probe(healthPath, port, { periodSeconds: 5, failureThreshold: 60, ...props.probes?.startup }),
        readiness: probe(healthPath, port, { periodSeconds: 5, failureThreshold: 3, ...props.probes?.readiness }),
        liveness: probe(healthPath, port, { periodSeconds: 10, failureThreshold: 6, ...props.probes?.liveness }),
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: { [LABEL_NAME]: props.modelName, ...selectorLabels } }));
    const api = ApiObject.of(this.deployment);
    // cdk8s-plus-27 has no seccompProfile; RuntimeDefault is what the restricted Pod Security Standard asks for.
    api.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    api.addJsonPatch(JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
    // cdk8s-plus tags pods with a construct-path label for its own selectors; ours are
    // explicit (LabelSelectedDeployment), and a label that encodes an internal path is not one to hand to a cluster.
    api.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    // Each container's resources in one patch (a patch per figure cost as much again as the rest of toJson):
    // CPU and memory as the record writes them (cdk8s-plus writes whole millicores and MiB, `1000M` would be 954Mi);
    // the disk in MiB (it writes whole GiB). The init container's CPU and memory are the server's unless raised to its
    // minimum. Extended resources (a GPU) go in limits only; Kubernetes sets the request equal. Patches pass through
    // the generated KubeDeployment's typed conversion, hence Quantities.
    const q = (value: string) => kplus.k8s.Quantity.fromString(value);
    const disk = q(`${diskMiB}Mi`);
    const initFigures = {
      cpu: props.initResources?.cpu === undefined && initCpu === cpuMillis(serving.resources.cpu) ? q(serving.resources.cpu) : q(`${initCpu}m`),
      memory: props.initResources?.memory === undefined && initMemory === memoryMiB(serving.resources.memory) ? q(serving.resources.memory) : q(`${initMemory}Mi`),
      'ephemeral-storage': disk,
    };
    const serverFigures = { cpu: q(serving.resources.cpu), memory: q(serving.resources.memory), 'ephemeral-storage': disk };
    const gpu = serving.resources.gpu;
    const extended = gpu ? { [gpuResourceName(gpu.vendor)]: q(String(gpu.count)) } : {};
    api.addJsonPatch(JsonPatch.replace('/spec/template/spec/initContainers/0/resources', { limits: initFigures, requests: initFigures }));
    api.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', { limits: { ...serverFigures, ...extended }, requests: serverFigures }));
    for (const [field, value] of Object.entries(podPlacement(k8s))) {
      api.addJsonPatch(JsonPatch.add(`/spec/template/spec/${field}`, value));
    }
    // For a cloud workload identity; the API token stays unmounted (automountServiceAccountToken: false above).
    if (k8s.serviceAccountName) api.addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', k8s.serviceAccountName));
    if (props.autoscaling) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'autoscaler', {
        metadata: { name: deploymentName, labels: { ...this.podLabels } },
        target: this.deployment,
        minReplicas: props.autoscaling.min,
        maxReplicas: props.autoscaling.max,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.autoscaling.targetCpuPercent))],
      });
    }

    // Checked again at synth time: a record edited after construction must not slip through.
    this.node.addValidation({ validate: () => gateProblems(props, servesAs) });
  }
}

/** Every value as the process must see it, whatever `$` it holds. */
function literalEnv(env: Readonly<Record<string, string>>): Record<string, kplus.EnvValue> {
  return Object.fromEntries(Object.entries(env).map(([k, val]) => [k, kplus.EnvValue.fromValue(kubeletLiteral(val))]));
}

function probe(path: string, port: number, timing: ProbeTiming): kplus.Probe {
  return kplus.Probe.fromHttpGet(path, {
    port,
    periodSeconds: Duration.seconds(timing.periodSeconds ?? 5),
    failureThreshold: timing.failureThreshold,
    timeoutSeconds: Duration.seconds(timing.timeoutSeconds ?? 2),
  });
}

function gateProblems(props: ModelDeploymentProps, servesAs: VersionEntry['stage']): string[] {
  const v = props.version;
  // A rejected version failed its gates: no role deploys it, with gates given or not.
  if (v.stage === 'rejected' || servesAs === 'rejected') {
    return [`${props.modelName} ${v.version} is rejected and cannot be deployed${v.reason ? ` (${v.reason})` : ''}`];
  }
  const gates = props.gates;
  if (!gates) return [];
  if (servesAs === 'candidate') {
    // A candidate runs to be measured: only its size must fit, since it sizes the volume.
    const size = evaluateGates(gates, v).results.find((r) => r.gate === 'maxSizeMiB');
    return size && !size.passed ? [`${props.modelName} ${v.version} cannot be deployed as candidate: ${size.message}`] : [];
  }
  if (servesAs !== 'production' && servesAs !== 'validated') return [];
  const stage = v.stage ?? 'production';
  if (stage !== 'production' && stage !== 'validated' && stage !== 'retired') {
    return [`${props.modelName} ${v.version} is ${stage} and cannot be deployed as ${servesAs}: it has not passed its gates`];
  }
  const verdict = evaluateGates(gates, v, { production: servesAs === 'production' });
  return verdict.passed ? [] : [`${props.modelName} ${v.version} cannot be deployed as ${servesAs}: ${verdict.reason}`];
}
