/**
 * A string as one POSIX shell word, quoted only when it needs to be: the commands
 * synth prints are run by `sh`, and a path (`--out` may hold spaces or `$`) or a
 * Nomad region must reach the program as written.
 */
export function shellWord(word: string): string {
  return /^[\w./@%+:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
