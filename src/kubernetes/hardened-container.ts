import * as kplus from 'cdk8s-plus-27';

/**
 * The security context every container modelship renders runs with: non-root
 * as `uid`, read-only root file system, no privilege escalation, every
 * capability dropped. One definition, so the serving pods and the retraining
 * job cannot drift apart.
 */
export function hardenedContainer(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    user: uid,
    group: uid,
    // cdk8s-plus-27 has no ALL member; the API takes the literal.
    capabilities: { drop: ['ALL' as kplus.Capability] },
  };
}
