import { Command } from 'commander';
import type { CommandContext } from './cli-context';
import { PolicyError } from '../core/errors';
import { promotionCopy, withPromotedImage } from '../core/image-promotion';
import { commandResult, JSON_FLAG, printResult } from './command-result';
import { defaultPromotionStand, isProductionStand, promoteInStand } from '../core/stand-lifecycle';
import { CommonOptions, modelsDirFlag, now, storeOf } from './options';
import { addRegistryOptions, registryClient, RegistryOptions } from './registry-options';

export function registerPromote(program: Command, ctx: CommandContext): void {
  const command = program
    .command('promote')
    .description('rolling: put a validated version in production; blue-green: load it into the idle slot as the preview. '
      + 'With artifact.candidateImage, the image is first copied to artifact.image by digest')
    .argument('<name>', 'model name')
    .argument('<version>', 'a validated version')
    .option('--stand <stand>', 'the stand to promote into, after the version has been live in the one before it (default: the next stand it has not been live in; the first for a validated version)')
    .option(...JSON_FLAG)
    .option(...modelsDirFlag(ctx));
  addRegistryOptions(command)
    .action(async (name: string, version: string, opts: CommonOptions & RegistryOptions & { json?: boolean; stand?: string }) => {
      const store = storeOf(opts, ctx);
      const record = store.load(name);
      const stand = opts.stand ?? defaultPromotionStand(record, version);
      const promote = (r: typeof record) => promoteInStand(r, version, stand, now(ctx));
      // Refuse an illegal promotion before touching the registry.
      promote(record);
      // Stands before the last run the candidate storage's image; production storage is for production.
      const copy = isProductionStand(record, stand) ? promotionCopy(record, version) : undefined;
      if (copy) {
        const [{ parseRepository }, { copyImage }] = await Promise.all([import('../oci/image-reference'), import('../oci/image-copy')]);
        // A failure here throws before the record is touched.
        await copyImage(await registryClient(opts, ctx.env), parseRepository(copy.fromRepository), parseRepository(copy.toRepository), copy.digest, copy.tag);
      }
      const outcome = store.update(name, (r) => {
        const o = promote(r);
        if (!copy) return o;
        if (promotionCopy(r, version)?.source !== copy.source) {
          throw new PolicyError(`${name} ${version} was re-pinned while it was copied; run promote again`);
        }
        return withPromotedImage(o, copy);
      });
      printResult(ctx, opts.json, commandResult('promote', name, version, outcome));
    });
}
