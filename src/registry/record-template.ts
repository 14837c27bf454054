import { Document, YAMLMap } from 'yaml';
import type { Strategy } from '../core/record';

export interface NewRecordOptions {
  readonly name: string;
  readonly image: string;
  /** Release-candidate repository; omitted, the record has one repository. */
  readonly candidateImage?: string;
  readonly servingImage: string;
  readonly port: number;
  readonly strategy: Strategy;
  readonly maxSizeMiB: number;
  readonly maxLatencyP95Ms: number;
  readonly artifactPath: string;
  readonly namespace?: string;
}

/** Default gates `init` writes; they are a starting point a team tunes per model. */
export const DEFAULT_GATES = { maxSizeMiB: 1024, maxLatencyP95Ms: 100 } as const;

/** The text of a new record, commented so that a first-time user knows what to edit. */
export function newRecordText(o: NewRecordOptions): string {
  const doc = new Document({
    name: o.name,
    artifact: { image: o.image, ...(o.candidateImage !== undefined ? { candidateImage: o.candidateImage } : {}), path: o.artifactPath },
    serving: {
      image: o.servingImage,
      port: o.port,
      modelDir: '/models',
      replicas: 2,
      resources: { cpu: '500m', memory: '1Gi' },
      health: { path: '/healthz' },
    },
    gates: { maxSizeMiB: o.maxSizeMiB, maxLatencyP95Ms: o.maxLatencyP95Ms },
    deploy: {
      strategy: o.strategy,
      kubernetes: { namespace: o.namespace ?? 'default' },
      nomad: { datacenters: ['dc1'] },
    },
    versions: [],
  });
  doc.commentBefore = ` Model record for ${o.name}, managed by modelship.\n Edit the spec above versions by hand; \`versions\` and \`slots\` belong to the CLI.`;
  const map = doc.contents as YAMLMap;
  const comment = (key: string, text: string) => {
    const pair = map.items.find((p) => (p.key as { value?: unknown }).value === key || p.key === key);
    if (pair) (pair.key as { commentBefore?: string }).commentBefore = text;
  };
  comment('artifact', ' The model image is <artifact.image>:<version>; its files live under artifact.path.');
  comment('gates', ' A version reaches production only within these limits.');
  comment('deploy', ' rolling: one Deployment, replaced in place. blue-green: two slots, switch and rollback.');
  comment('versions', ' Managed by the CLI (bump, measure, validate, promote, switch, rollback).');
  return doc.toString({ lineWidth: 0 });
}
