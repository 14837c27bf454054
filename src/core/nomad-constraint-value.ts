/**
 * Whether a Nomad constraint's value can be read by the operator that uses it,
 * as the Nomad server checks it when the job is submitted: a version range for
 * `version` and `semver`, a regular expression for `regexp`. A value that
 * Nomad interpolates (`${meta.min_kernel}`) is only known on the client, so it
 * is not judged here.
 */
export function constraintValueProblem(operator: string, value: string): string | undefined {
  if (value.includes('${')) return undefined;
  if (operator === 'version' || operator === 'semver') {
    const bad = value.split(',').find((part) => !VERSION_CONSTRAINT.test(part));
    return bad === undefined ? undefined : `${JSON.stringify(value)} is not a version constraint such as ">= 1.2, < 2.0" (operator ${operator}; ${JSON.stringify(bad.trim())} is not one)`;
  }
  if (operator === 'regexp') {
    try {
      new RegExp(asJsPattern(value));
      return undefined;
    } catch (e) {
      return `${JSON.stringify(value)} is not a regular expression (operator regexp: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/: /, '')})`;
    }
  }
  return undefined;
}

// hashicorp/go-version's constraint grammar (which Nomad's version and semver operators parse): an operator, then a version.
const VERSION = String.raw`v?[0-9]+(\.[0-9]+)*(-([0-9]+[0-9A-Za-z~-]*(\.[0-9A-Za-z~-]+)*)|(-?([A-Za-z~-]+[0-9A-Za-z~-]*(\.[0-9A-Za-z~-]+)*)))?(\+([0-9A-Za-z~-]+(\.[0-9A-Za-z~-]+)*))?`;
const VERSION_CONSTRAINT = new RegExp(String.raw`^\s*(=|!=|>|<|>=|<=|~>)?\s*` + VERSION + String.raw`\s*$`);

/**
 * Go's RE2 syntax that JavaScript lacks, rewritten so that only a pattern
 * neither could compile is refused: `\Q...\E` quoting, inline flags,
 * `(?P<name>`, POSIX classes. JavaScript without the `u` flag is more lenient
 * than RE2 otherwise (lookarounds, unknown escapes), so a valid RE2 pattern passes.
 */
function asJsPattern(re2: string): string {
  return re2.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_m, literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]*(-[imsU]+)?:/g, '(?:').replace(/\(\?P</g, '(?<').replace(/\[:\^?[a-z]+:\]/g, 'a');
}
