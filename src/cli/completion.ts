import { Argument, Command, Option } from 'commander';
import type { CommandContext } from './cli-context';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What completion needs to know of one command, read from commander's own definitions. */
interface CommandShape {
  name: string;
  description: string;
  options: { flag: string; takesValue: boolean; choices?: readonly string[]; description: string }[];
  /** Positional arguments in order: their choices, or `model` for a model name. */
  args: { choices?: readonly string[]; model: boolean; variadic: boolean }[];
}

/** Options whose value is a path: the shell's own file completion fits them. */
const PATH_OPTIONS = new Set(['--models-dir', '--out', '--artifact', '--body']);

function shapeOf(c: Command): CommandShape {
  return {
    name: c.name(),
    description: c.description(),
    // Hidden options (removed ones kept for their error) are not offered.
    options: c.options.filter((o: Option) => !o.hidden).map((o: Option) => ({
      flag: o.long ?? o.short ?? '', takesValue: o.required || o.optional, choices: o.argChoices, description: o.description,
    })),
    args: c.registeredArguments.map((a: Argument) => ({ choices: a.argChoices, model: a.name() === 'name', variadic: a.variadic })),
  };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Lists model names from the records' directory at completion time. */
const MODELS_SH = 'for f in "${MODELSHIP_MODELS_DIR:-models}"/*.yaml; do [ -e "$f" ] && basename "$f" .yaml; done';

function bash(shapes: readonly CommandShape[]): string {
  const cases = shapes.map((s) => {
    const valueOpts = s.options.filter((o) => o.takesValue).map((o) => o.flag);
    const choiceCases = s.options.filter((o) => o.choices).map((o) => `      ${o.flag}) COMPREPLY=($(compgen -W ${q(o.choices!.join(' '))} -- "$cur")); return ;;`);
    const pathCases = s.options.filter((o) => PATH_OPTIONS.has(o.flag)).map((o) => `      ${o.flag}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
    const otherValue = valueOpts.filter((f) => !PATH_OPTIONS.has(f) && !s.options.find((o) => o.flag === f)?.choices);
    return `    ${s.name})
      opts=${q(s.options.map((o) => o.flag).join(' '))}
      valued=${q(valueOpts.join(' '))}
      case "$prev" in
${[...choiceCases, ...pathCases].join('\n')}${otherValue.length ? `\n      ${otherValue.join('|')}) return ;;` : ''}
      esac
      ;;`;
  });
  const argTables = shapes.map((s) => {
    const lines = s.args.map((a, i) => {
      const words = a.choices ? `compgen -W ${q(a.choices.join(' '))} -- "$cur"` : a.model ? `compgen -W "$(${MODELS_SH})" -- "$cur"` : '';
      return words ? `        ${a.variadic ? `${i}|*` : i}) COMPREPLY=($(${words})) ;;` : '';
    }).filter(Boolean);
    return lines.length ? `    ${s.name})\n      case "$n" in\n${lines.join('\n')}\n      esac ;;` : '';
  }).filter(Boolean);
  return `# modelship completion for bash: source this file, or put it in ~/.local/share/bash-completion/completions/modelship
_modelship() {
  local cur prev cmd opts valued n i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${q([...shapes.map((s) => s.name), '--help', '--version'].join(' '))} -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$cmd" in
${cases.join('\n')}
    *) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
    return
  fi
  # The index of the positional argument being typed: words after the command
  # that are neither options nor an option's value.
  n=0
  for ((i = 2; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$w" == -* ]]; then
      [[ " $valued " == *" $w "* ]] && ((i++))
    else
      ((n++))
    fi
  done
  case "$cmd" in
${argTables.join('\n')}
  esac
}
complete -F _modelship modelship
`;
}

function zsh(shapes: readonly CommandShape[]): string {
  // zsh runs the bash function through its own bashcompinit layer: one definition for both shells.
  return `#compdef modelship
# modelship completion for zsh: source this file (or save it as _modelship on your $fpath).
autoload -U +X bashcompinit && bashcompinit
${bash(shapes).replace(/^# modelship completion for bash.*\n/, '')}`;
}

function fish(shapes: readonly CommandShape[]): string {
  const lines = [
    '# modelship completion for fish: save as ~/.config/fish/completions/modelship.fish',
    'function __modelship_models',
    '  set -l dir (set -q MODELSHIP_MODELS_DIR; and echo $MODELSHIP_MODELS_DIR; or echo models)',
    '  for f in $dir/*.yaml; basename $f .yaml; end',
    'end',
    'complete -c modelship -f',
    `complete -c modelship -n __fish_use_subcommand -s v -l version -d 'print the version'`,
  ];
  for (const s of shapes) {
    const when = `'__fish_seen_subcommand_from ${s.name}'`;
    lines.push(`complete -c modelship -n __fish_use_subcommand -a ${s.name} -d ${q(s.description)}`);
    for (const o of s.options) {
      const long = o.flag.replace(/^--/, '');
      const value = o.choices ? ` -r -a ${q(o.choices.join(' '))}` : PATH_OPTIONS.has(o.flag) ? ' -r -F' : o.takesValue ? ' -r' : '';
      lines.push(`complete -c modelship -n ${when} -l ${long}${value} -d ${q(o.description)}`);
    }
    const choices = s.args.flatMap((a) => a.choices ?? []);
    if (choices.length) lines.push(`complete -c modelship -n ${when} -a ${q(choices.join(' '))}`);
    if (s.args.some((a) => a.model)) lines.push(`complete -c modelship -n ${when} -a '(__modelship_models)'`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(program: Command, shell: Shell): string {
  const shapes = program.commands.map(shapeOf);
  return { bash, zsh, fish }[shell](shapes);
}

export function registerCompletion(program: Command, ctx: CommandContext): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(modelship completion bash)"')
    .addArgument(new Argument('<shell>', 'shell').choices(SHELLS))
    .action((shell: Shell) => {
      ctx.stdout.write(completionScript(program, shell));
    });
}
