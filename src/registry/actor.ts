import { execFileSync } from 'node:child_process';

// Per environment, so runs in one process with different environments (tests) do not share an actor.
const cache = new WeakMap<NodeJS.ProcessEnv, string>();

/** Who did it, for history: $MODELSHIP_ACTOR, else the git user, else $USER. */
export function currentActor(env: NodeJS.ProcessEnv = process.env): string {
  const known = cache.get(env);
  if (known !== undefined) return known;
  const actor = findActor(env);
  cache.set(env, actor);
  return actor;
}

function findActor(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.MODELSHIP_ACTOR?.trim();
  if (fromEnv) return fromEnv;
  try {
    const git = execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
    if (git) return git;
  } catch {
    /* no git, or no user configured */
  }
  return env.USER || env.LOGNAME || 'unknown';
}
