import { execFileSync } from 'node:child_process';

let cached: string | undefined;

/** Who did it, for history: $MODELSHIP_ACTOR, else the git user, else $USER. */
export function currentActor(): string {
  if (cached !== undefined) return cached;
  const fromEnv = process.env.MODELSHIP_ACTOR?.trim();
  if (fromEnv) return (cached = fromEnv);
  try {
    const git = execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
    if (git) return (cached = git);
  } catch {
    /* no git, or no user configured */
  }
  return (cached = process.env.USER || process.env.LOGNAME || 'unknown');
}
