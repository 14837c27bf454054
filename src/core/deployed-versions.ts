import { DeploymentRole, planDeployments, plannedDeployments } from './deployment-plan';
import type { ModelRecord } from './record';

/** One deployed version of a model as people look at it: the plan's role plus what identifies it. */
export interface DeployedVersion {
  readonly role: DeploymentRole;
  readonly slot: string | null;
  readonly version: string;
  readonly stage: string;
  readonly digest?: string;
  /** `<artifact.image>:<version>`, the image the init step copies from. */
  readonly image: string;
  /** When it went live (the live stand only). */
  readonly since?: string;
}

/** Where versions stand now, in the order live, preview (or idle), candidate: exactly what synth deploys (planDeployments). */
export function deployedVersionsOf(r: ModelRecord): DeployedVersion[] {
  return plannedDeployments(planDeployments(r)).map((d) => ({
    role: d.role, slot: d.slot ?? null, version: d.version.version, stage: d.version.stage, digest: d.version.digest,
    image: `${r.artifact.image}:${d.version.version}`, since: d.role === 'live' ? d.version.promotedAt : undefined,
  }));
}
