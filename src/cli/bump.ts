import { Argument, Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from './cli-context';
import { InputError } from '../core/errors';
import { bump } from '../core/lifecycle';
import { isReleaseType, RELEASE_TYPES } from '../core/semver-rules';
import { DIGEST_PATTERN } from '../core/tree-digest';
import { originProblem } from '../core/version-origin';
import { commandResult, JSON_FLAG, printResult } from './command-result';
import { CommonOptions, modelsDirFlag, now, storeOf } from './options';

interface BumpFlags extends CommonOptions {
  json?: boolean;
  preid?: string;
  digest?: string;
  origin?: Record<string, string>;
}

/** `--origin KEY=VALUE`, repeatable; a key given twice is a mistake, not an override. */
function collectOrigin(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`"${value}" is not KEY=VALUE.`);
  const key = value.slice(0, i);
  const text = value.slice(i + 1);
  const problem = originProblem(key, text);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  if (Object.prototype.hasOwnProperty.call(previous, key)) throw new InvalidArgumentError(`${key} is given twice.`);
  return { ...previous, [key]: text };
}

export function registerBump(program: Command, ctx: CommandContext): void {
  program
    .command('bump')
    .description('add the next version as a candidate and print it')
    .argument('<name>', 'model name')
    .addArgument(new Argument('<release>', 'release type').choices(RELEASE_TYPES))
    .option('--preid <id>', 'prerelease identifier, e.g. rc')
    .option('--digest <digest>', 'tree digest of the artifact (sha256:...)')
    .option('--origin <key=value>', 'where the version came from, repeatable: commit=..., run=..., source=URL (a lower-case key, a one-line value; declared, not checked)', collectOrigin)
    .option(...JSON_FLAG)
    .option(...modelsDirFlag(ctx))
    .action((name: string, release: string, opts: BumpFlags) => {
      if (!isReleaseType(release)) {
        throw new InputError(`release: "${release}" is not one of ${RELEASE_TYPES.join(', ')}`);
      }
      if (opts.digest !== undefined && !DIGEST_PATTERN.test(opts.digest)) {
        throw new InputError(`--digest: "${opts.digest}" must be sha256: followed by 64 lower-case hex digits`);
      }
      const outcome = storeOf(opts, ctx).update(name, (r) => bump(r, release, { preid: opts.preid, digest: opts.digest, origin: opts.origin, now: now(ctx) }));
      printResult(ctx, opts.json, commandResult('bump', name, outcome.summary, outcome, { release, preid: opts.preid ?? null, ...(opts.origin ? { origin: opts.origin } : {}) }));
    });
}
