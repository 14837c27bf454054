/**
 * The uid and gid every model container runs as, on both targets: not root, and
 * the same for the init copy and the server so the server can read what was copied.
 * Model images must leave their artifact readable by it.
 */
export const MODEL_UID = 1000;

/**
 * The uid a construct was given, checked: a pod that says `runAsNonRoot` with uid 0 is
 * refused by the kubelet only when it starts, and a Nomad task's `user` is whatever it
 * says, root included. Throws a plain Error naming the prop (a caller's bug, not a policy).
 */
export function requireNonRootUid(uid: number, prop: string): number {
  if (!Number.isInteger(uid) || uid < 1 || uid > 2147483647) {
    throw new Error(`${prop} must be a non-root uid (a whole number 1..2147483647), not ${JSON.stringify(uid)}`);
  }
  return uid;
}

/**
 * A Nomad task's `user`, checked as `requireNonRootUid` does: a numeric uid other than 0,
 * or a user name other than root (an empty one would run as the image's own USER),
 * optionally with a group as the docker driver takes it (`1000:1000`, `app:app`).
 */
export function requireNonRootUser(user: string, prop: string): string {
  const refuse = () => new Error(`${prop} must be a non-root uid or user name (optionally :group), not ${JSON.stringify(user)}`);
  const [name, group, ...rest] = user.split(':');
  const word = /^([a-z_][a-z0-9_-]*[$]?|\d+)$/i;
  if (rest.length || !word.test(name) || (group !== undefined && !word.test(group))) throw refuse();
  if (name === 'root' || (/^\d+$/.test(name) && (Number(name) < 1 || Number(name) > 2147483647))) throw refuse();
  return user;
}
