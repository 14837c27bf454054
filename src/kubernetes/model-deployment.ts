import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PolicyError } from '../core/errors';
import { evaluateGates } from '../core/gates';
import { INIT_SCRIPT } from '../core/init-script';
import { cpuMillis, memoryMiB, modelVolumeMiB } from '../core/quantities';
import { MODEL_UID } from '../core/runtime-user';
import type { ArtifactSpec, AutoscalingSpec, Gates, KubernetesDeploySpec, ModelRecord, ServingSpec, SlotName, VersionEntry } from '../core/record';
import { gpuResourceName } from './gpu-resource';
import { podPlacement } from './pod-placement';
import {
  ANNOTATION_DIGEST, ANNOTATION_GATE_LATENCY, ANNOTATION_GATE_SIZE, ANNOTATION_LATENCY_P95, ANNOTATION_SIZE_BYTES,
  LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, LABEL_SLOT, LABEL_STAGE, LABEL_VERSION,
} from './labels';

/** Where the init container mounts the shared volume; the artifact lands in `model/` under it. */
const STAGING_MOUNT = '/modelship';
const MODEL_SUBDIR = 'model';

export interface ModelDeploymentProps {
  /** Model name: the `app.kubernetes.io/name` label and the prefix of object names. */
  readonly modelName: string;
  /** Name of the Deployment, e.g. `taxi-fare` or `fraud-detector-blue`. */
  readonly deploymentName: string;
  /** The model image and the artifact's path inside it. */
  readonly artifact: ArtifactSpec;
  /** The serving container. */
  readonly serving: ServingSpec;
  /** Gates the version must be within to run as production. */
  readonly gates: Gates;
  /** The version to run, with its stage and figures. */
  readonly version: VersionEntry;
  /**
   * The stage this deployment serves as. `production` demands a version that
   * passed its gates; synth fails otherwise.
   * @default version.stage
   */
  readonly servesAs?: VersionEntry['stage'];
  /** Blue-green slot this deployment is. @default - none (rolling) */
  readonly slot?: SlotName;
  /** Labels that select this deployment's pods, beyond the model name. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** @default serving.replicas */
  readonly replicas?: number;
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

/** Kubelet expands `$(VAR)` in command and args; `$$` is its escape for a literal `$`. */
const literalForKubelet = (s: string): string => s.replace(/\$/g, '$$$$');


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
    options: Omit<ModelDeploymentProps, 'modelName' | 'artifact' | 'serving' | 'gates' | 'version' | 'kubernetes'>,
  ): ModelDeployment {
    return new ModelDeployment(scope, id, {
      modelName: record.name, artifact: record.artifact, serving: record.serving, gates: record.gates,
      kubernetes: record.deploy.kubernetes, version, ...options,
    });
  }

  readonly deployment: kplus.Deployment;
  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** Labels on every pod, a superset of the selector. */
  readonly podLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    const { version: v, serving, artifact } = props;
    const servesAs = props.servesAs ?? v.stage;
    // A version that may not run here is a refusal by policy; a nonsensical prop is a bug in the caller.
    const refusals = refusalsOf(props, servesAs);
    if (refusals.length) throw new PolicyError(refusals.join('; '));
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 0)) {
      throw new Error(`${props.deploymentName}: replicas must be a whole number >= 0, not ${props.replicas}`);
    }
    const digest = v.digest as string;
    const sizeBytes = v.sizeBytes as number;

    const k8s = props.kubernetes ?? {};
    this.podLabels = {
      ...k8s.labels,
      [LABEL_NAME]: props.modelName,
      [LABEL_VERSION]: v.version,
      [LABEL_PART_OF]: props.modelName,
      [LABEL_MANAGED_BY]: 'modelship',
      [LABEL_COMPONENT]: 'model-server',
      ...props.selectorLabels,
    };
    const uid = props.runAsUser ?? MODEL_UID;
    const modelVolume = kplus.Volume.fromEmptyDir(this, 'model', 'model', { sizeLimit: Size.mebibytes(modelVolumeMiB(sizeBytes)) });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(64) });
    const hardened: kplus.ContainerSecurityContextProps = {
      ensureNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      user: uid,
      group: uid,
      // cdk8s-plus-27 has no ALL member; the API takes the literal.
      capabilities: { drop: ['ALL' as kplus.Capability] },
    };
    const modelDir = `${serving.modelDir.replace(/\/$/, '')}/${MODEL_SUBDIR}`;
    const initCpu = Math.max(100, cpuMillis(props.initResources?.cpu ?? serving.resources.cpu));
    const initMemory = Math.max(64, memoryMiB(props.initResources?.memory ?? serving.resources.memory));

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: {
        name: props.deploymentName,
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
          ...(v.latencyP95Ms !== undefined ? { [ANNOTATION_LATENCY_P95]: String(v.latencyP95Ms) } : {}),
          [ANNOTATION_GATE_SIZE]: String(props.gates.maxSizeMiB),
          [ANNOTATION_GATE_LATENCY]: String(props.gates.maxLatencyP95Ms),
        },
      },
      // With an autoscaler a fixed count would fight it: every apply would reset the scale.
      replicas: props.autoscaling ? undefined : props.replicas ?? serving.replicas,
      select: false,
      // The stage lives on the Deployment, not the pod template: a switch changes
      // a Service selector and a label, and must not restart a single pod.
      podMetadata: { labels: this.podLabels, ...(k8s.annotations ? { annotations: { ...k8s.annotations } } : {}) },
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid },
      volumes: [modelVolume, tmpVolume],
      initContainers: [{
        name: 'model-init',
        image: `${artifact.image}:${v.version}`,
        // Version tags are immutable: a node that has the image need not pull it again.
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['sh', '-c', INIT_SCRIPT],
        envVariables: {
          MODELSHIP_SRC: kplus.EnvValue.fromValue(artifact.path),
          MODELSHIP_DEST: kplus.EnvValue.fromValue(`${STAGING_MOUNT}/${MODEL_SUBDIR}`),
          MODELSHIP_VERSION: kplus.EnvValue.fromValue(v.version),
          MODELSHIP_DIGEST: kplus.EnvValue.fromValue(digest),
        },
        volumeMounts: [{ volume: modelVolume, path: STAGING_MOUNT }],
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
        ...(serving.command ? { command: serving.command.map(literalForKubelet) } : {}),
        ...(serving.args ? { args: serving.args.map(literalForKubelet) } : {}),
        ports: [{ number: serving.port, name: 'http' }],
        envVariables: {
          ...Object.fromEntries(Object.entries(serving.env ?? {}).map(([k, val]) => [k, kplus.EnvValue.fromValue(val)])),
          MODEL_DIR: kplus.EnvValue.fromValue(modelDir),
          MODEL_VERSION: kplus.EnvValue.fromValue(v.version),
          MODEL_DIGEST: kplus.EnvValue.fromValue(digest),
        },
        volumeMounts: [
          { volume: modelVolume, path: serving.modelDir, readOnly: true },
          { volume: tmpVolume, path: '/tmp' },
        ],
        securityContext: hardened,
        resources: {
          cpu: { request: kplus.Cpu.millis(cpuMillis(serving.resources.cpu)), limit: kplus.Cpu.millis(cpuMillis(serving.resources.cpu)) },
          memory: { request: Size.mebibytes(memoryMiB(serving.resources.memory)), limit: Size.mebibytes(memoryMiB(serving.resources.memory)) },
        },
        // Loading a large model can take minutes; the startup probe holds liveness off until then.
        startup: kplus.Probe.fromHttpGet(serving.health.path, {
          port: serving.port, periodSeconds: Duration.seconds(5), failureThreshold: 60, timeoutSeconds: Duration.seconds(2),
        }),
        readiness: kplus.Probe.fromHttpGet(serving.health.path, {
          port: serving.port, periodSeconds: Duration.seconds(5), failureThreshold: 3, timeoutSeconds: Duration.seconds(2),
        }),
        liveness: kplus.Probe.fromHttpGet(serving.health.path, {
          port: serving.port, periodSeconds: Duration.seconds(10), failureThreshold: 6, timeoutSeconds: Duration.seconds(2),
        }),
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: { [LABEL_NAME]: props.modelName, ...props.selectorLabels } }));
    const api = ApiObject.of(this.deployment);
    // cdk8s-plus-27 has no seccompProfile; RuntimeDefault is what the restricted Pod Security Standard asks for.
    api.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    api.addJsonPatch(JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
    // cdk8s-plus tags pods with a construct-path label for its own selectors; ours are
    // explicit, and a label that encodes an internal path is not one to hand to a cluster.
    api.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    const gpu = serving.resources.gpu;
    if (gpu) {
      // Extended resources go in limits only; Kubernetes sets the request equal. Patches
      // pass through the generated KubeDeployment's typed conversion, hence a Quantity.
      const path = `/spec/template/spec/containers/0/resources/limits/${gpuResourceName(gpu.vendor).replace('/', '~1')}`;
      api.addJsonPatch(JsonPatch.add(path, kplus.k8s.Quantity.fromString(String(gpu.count))));
    }
    for (const [field, value] of Object.entries(podPlacement(k8s))) {
      api.addJsonPatch(JsonPatch.add(`/spec/template/spec/${field}`, value));
    }
    if (props.autoscaling) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'autoscaler', {
        metadata: { name: props.deploymentName, labels: { ...this.podLabels } },
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

function gateProblems(props: ModelDeploymentProps, servesAs: VersionEntry['stage']): string[] {
  const v = props.version;
  if (servesAs === 'candidate') {
    // A candidate runs to be measured: only its size must fit, since it sizes the volume.
    const size = evaluateGates(props.gates, v).results.find((r) => r.gate === 'maxSizeMiB');
    return size && !size.passed ? [`${props.modelName} ${v.version} cannot be deployed as candidate: ${size.message}`] : [];
  }
  if (servesAs !== 'production' && servesAs !== 'validated') return [];
  if (v.stage !== 'production' && v.stage !== 'validated' && v.stage !== 'retired') {
    return [`${props.modelName} ${v.version} is ${v.stage} and cannot be deployed as ${servesAs}: it has not passed its gates`];
  }
  const verdict = evaluateGates(props.gates, v);
  return verdict.passed ? [] : [`${props.modelName} ${v.version} cannot be deployed as ${servesAs}: ${verdict.reason}`];
}

function refusalsOf(props: ModelDeploymentProps, servesAs: VersionEntry['stage']): string[] {
  const at = `${props.deploymentName}: ${props.modelName} ${props.version.version}`;
  const out = gateProblems(props, servesAs);
  if (!props.version.digest) out.push(`${at} has no digest; the init container cannot verify it (run modelship measure --artifact)`);
  if (props.version.sizeBytes === undefined) out.push(`${at} has no sizeBytes; the model volume cannot be sized`);
  return out;
}
