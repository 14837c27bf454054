import { isAlias, isMap, isPair, isScalar, isSeq, Node } from 'yaml';
import { InputError } from '../core/errors';
import { JS_RESERVED_NAMES } from '../core/names';

/**
 * Characters no consumer of the generated files takes as written: YAML 1.1
 * readers (kubectl's go-yaml, libyaml) refuse the C0 and C1 controls, DEL and
 * the non-characters even inside quotes, read NEL, LS and PS as line breaks,
 * and a process's argument or environment string ends at NUL. Tab, line feed
 * and carriage return are ordinary text and are escaped where needed.
 */
const UNDELIVERABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;


function describe(c: string): string {
  const code = c.codePointAt(0) as number;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0) return `${hex} (NUL, which ends a process's argument or environment string)`;
  if (code >= 0xd800 && code <= 0xdfff) return `${hex} (half of a surrogate pair, which no UTF-8 file can hold)`;
  if (code === 0x85 || code === 0x2028 || code === 0x2029) return `${hex} (a line break to YAML 1.1 readers such as kubectl)`;
  return `${hex} (a control character or non-character, which YAML readers such as kubectl refuse)`;
}

/**
 * The record file's bytes as text, refusing bytes that are not UTF-8: decoding
 * them leniently would replace them with U+FFFD and ship that instead.
 */
export function decodeRecordBytes(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new InputError(`${file}: not valid UTF-8 (byte ${bad} is 0x${bytes[bad].toString(16).padStart(2, '0')}); save it as UTF-8`);
  }
}

/**
 * Where the first byte sequence that is not UTF-8 starts: the lenient decoder
 * puts U+FFFD there, and the bytes before it are that many bytes of UTF-8
 * (a U+FFFD the file itself holds is EF BF BD and is passed over).
 */
function firstInvalidUtf8(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  for (let at = text.indexOf('\ufffd'); at >= 0; at = text.indexOf('\ufffd', at + 1)) {
    const offset = Buffer.byteLength(text.slice(0, at));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
  }
  return 0;
}

/**
 * The first key or string of the document that could not reach a consumer as
 * written, as `path: rule`; undefined when every one can. Aliases are checked
 * where their anchor is.
 */
export function literalTextProblem(contents: unknown): string | undefined {
  const walk = (node: unknown, path: string): string | undefined => {
    if (isAlias(node)) return undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const at = path ? `${path}.${key}` : key;
        if (JS_RESERVED_NAMES.has(key)) return `${at}: "${key}" cannot be a name here (JavaScript objects reserve it, and it would be lost)`;
        const bad = UNDELIVERABLE.exec(key);
        if (bad) return `${at}: the name contains ${describe(bad[0])}`;
        const found = walk(pair.value, at);
        if (found) return found;
      }
      return undefined;
    }
    if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const found = walk(node.items[i], `${path}[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (isScalar(node) && typeof node.value === 'string') {
      const bad = UNDELIVERABLE.exec(node.value);
      if (bad) return `${path || '(top level)'}: contains ${describe(bad[0])}`;
    }
    return undefined;
  };
  return walk(contents as Node, '');
}
