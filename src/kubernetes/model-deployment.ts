import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { evaluateGates } from '../core/gates';
import { INIT_SCRIPT } from '../core/init-script';
import { cpuMillis, memoryMiB, modelVolumeMiB } from '../core/quantities';
import { MODEL_UID } from '../core/runtime-user';
import type { ArtifactSpec, Gates, ServingSpec, SlotName, VersionEntry } from '../core/record';
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
}


/**
 * One Deployment serving one model version: an init container from the model
 * image copies the artifact into an emptyDir, verifies its tree digest and
 * marks it ready; the server mounts that volume read-only. Hardened by default.
 */
export class ModelDeployment extends Construct {
  readonly deployment: kplus.Deployment;
  /** Labels on every pod, a superset of the selector. */
  readonly podLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    const { version: v, serving, artifact } = props;
    const servesAs = props.servesAs ?? v.stage;
    const problems = propProblems(props, servesAs);
    if (problems.length) throw new Error(problems.join('; '));
    const digest = v.digest as string;
    const sizeBytes = v.sizeBytes as number;

    this.podLabels = {
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

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: {
        name: props.deploymentName,
        labels: {
          ...this.podLabels,
          [LABEL_STAGE]: servesAs,
          ...(props.slot ? { [LABEL_SLOT]: props.slot } : {}),
        },
        annotations: {
          [ANNOTATION_DIGEST]: digest,
          [ANNOTATION_SIZE_BYTES]: String(sizeBytes),
          ...(v.latencyP95Ms !== undefined ? { [ANNOTATION_LATENCY_P95]: String(v.latencyP95Ms) } : {}),
          [ANNOTATION_GATE_SIZE]: String(props.gates.maxSizeMiB),
          [ANNOTATION_GATE_LATENCY]: String(props.gates.maxLatencyP95Ms),
        },
      },
      replicas: props.replicas ?? serving.replicas,
      select: false,
      // The stage lives on the Deployment, not the pod template: a switch changes
      // a Service selector and a label, and must not restart a single pod.
      podMetadata: { labels: this.podLabels },
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
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
      }],
      containers: [{
        name: 'server',
        image: serving.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
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

function propProblems(props: ModelDeploymentProps, servesAs: VersionEntry['stage']): string[] {
  const at = `${props.deploymentName}: ${props.modelName} ${props.version.version}`;
  const out = gateProblems(props, servesAs);
  if (!props.version.digest) out.push(`${at} has no digest; the init container cannot verify it (run modelship measure --artifact)`);
  if (props.version.sizeBytes === undefined) out.push(`${at} has no sizeBytes; the model volume cannot be sized`);
  if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) out.push(`${props.deploymentName}: replicas must be a whole number >= 1, not ${props.replicas}`);
  return out;
}
