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
 * or a user name other than root (an empty one would run as the image's own USER).
 */
export function requireNonRootUser(user: string, prop: string): string {
  if (/^\d+$/.test(user)) {
    requireNonRootUid(Number(user), prop);
    return user;
  }
  if (!/^[a-z_][a-z0-9_-]*[$]?$/i.test(user) || user === 'root') {
    throw new Error(`${prop} must be a non-root uid or user name, not ${JSON.stringify(user)}`);
  }
  return user;
}
