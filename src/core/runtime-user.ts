/**
 * The uid and gid every model container runs as, on both targets: not root, and
 * the same for the init copy and the server so the server can read what was copied.
 * Model images must leave their artifact readable by it.
 */
export const MODEL_UID = 1000;
