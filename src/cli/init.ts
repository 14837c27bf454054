import { Command, Option } from 'commander';
import type { CommandContext } from './cli-context';
import { InputError } from '../core/errors';
import { modelNameProblem } from '../core/names';
import { STRATEGIES, Strategy } from '../core/record';
import { DEFAULT_GATES, newRecordText } from '../registry/record-template';
import { CommonOptions, modelsDirFlag, parsePositiveInt, parsePositiveNumber, storeOf } from './options';

interface InitOptions extends CommonOptions {
  image: string;
  candidateImage?: string;
  servingImage: string;
  port: number;
  strategy: Strategy;
  maxSizeMib: number;
  maxLatencyP95Ms: number;
  artifactPath: string;
  namespace?: string;
}

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('write models/<name>.yaml for a new model')
    .argument('<name>', 'model name (DNS-1123 label)')
    .requiredOption('--image <repo>', 'model image repository; the tag is the version')
    .option('--candidate-image <repo>', 'release-candidate repository (promote copies from it to --image)')
    .requiredOption('--serving-image <ref>', 'image of the serving container')
    .option('--port <n>', 'serving port', parsePositiveInt, 8080)
    .addOption(new Option('--strategy <s>', 'rolling or blue-green').choices(STRATEGIES).default('rolling'))
    .option('--max-size-mib <n>', 'size gate', parsePositiveNumber, DEFAULT_GATES.maxSizeMiB)
    .option('--max-latency-p95-ms <n>', 'p95 latency gate', parsePositiveNumber, DEFAULT_GATES.maxLatencyP95Ms)
    .option('--artifact-path <path>', 'where the artifact lives inside the model image', '/model')
    .option('--namespace <ns>', 'Kubernetes namespace')
    .option(...modelsDirFlag(ctx))
    .action((name: string, opts: InitOptions) => {
      const problem = modelNameProblem(name);
      if (problem) throw new InputError(`model name: ${problem}`);
      const text = newRecordText({
        name, image: opts.image, candidateImage: opts.candidateImage, servingImage: opts.servingImage, port: opts.port, strategy: opts.strategy,
        maxSizeMiB: opts.maxSizeMib, maxLatencyP95Ms: opts.maxLatencyP95Ms, artifactPath: opts.artifactPath,
        namespace: opts.namespace,
      });
      const store = storeOf(opts, ctx);
      store.create(name, text, { action: 'init', version: null, from: null, to: null, details: { strategy: opts.strategy } });
      ctx.stdout.write(`wrote ${store.recordFile(name)}\n`);
    });
}
