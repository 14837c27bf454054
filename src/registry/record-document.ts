import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { InputError } from '../core/errors';
import type { ModelRecord, VersionEntry } from '../core/record';
import { literalTextProblem } from './literal-text';
import { parseRecord } from './record-schema';

/** A record and the YAML document it came from, so that edits keep the user's comments. */
export interface RecordDocument {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly record: ModelRecord;
}

export function parseRecordText(text: string, file: string, name: string): RecordDocument {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'somewhere';
    throw new InputError(`${file}: ${where}: not valid YAML: ${e.message.split('\n')[0].replace(/:$/, '')}`);
  }
  // Before the data: what toJS would drop (a reserved key) or what no consumer takes as written.
  const problem = literalTextProblem(doc.contents);
  if (problem) throw new InputError(`${file}: ${problem}`);
  let data: unknown;
  try {
    // yaml refuses documents that expand aliases past its limit (a "billion laughs" bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${file}: not usable YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`${file}: (top level): must be a mapping of fields, not ${data === null ? 'empty' : Array.isArray(data) ? 'a list' : typeof data}`);
  }
  return { file, text, doc, record: parseRecord(data, file, name) };
}

const VERSION_KEYS: readonly (keyof VersionEntry)[] = [
  'version', 'stage', 'digest', 'image', 'sizeBytes', 'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms',
  'latencyRequests', 'latencyErrors', 'latencyP95LowMs', 'latencyP95HighMs', 'metrics', 'datasetDigest', 'provenance', 'origin', 'createdAt', 'promotedAt', 'retiredAt', 'reason',
];

/**
 * Writes the CLI-managed parts (`versions`, `slots`) of `next` into the
 * document field by field, instead of replacing whole nodes, so that comments
 * and key order survive, including the user's comments inside `versions`.
 */
export function applyManagedFields(rd: RecordDocument, next: ModelRecord): string {
  const doc = rd.doc;
  let seq = doc.get('versions', true);
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set('versions', seq);
  }
  // `versions: []` from init is a flow sequence; entries read better as blocks.
  (seq as YAMLSeq).flow = false;
  const items = (seq as YAMLSeq).items;
  // Expired versions leave: drop their entries first so the rest line up by position.
  const kept = new Set(next.versions.map((v) => v.version));
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (isMap(item) && !kept.has(String(item.get('version')))) items.splice(i, 1);
  }
  next.versions.forEach((v, i) => {
    const existing = items[i];
    if (!isMap(existing)) {
      (seq as YAMLSeq).add(doc.createNode(orderedEntry(v)));
      return;
    }
    for (const key of VERSION_KEYS) {
      const value = v[key];
      if (value === undefined) {
        if (existing.has(key)) existing.delete(key);
      } else if (typeof value === 'object') {
        if (JSON.stringify(existing.toJS(doc)[key]) !== JSON.stringify(value)) existing.set(key, doc.createNode(value));
      } else if (existing.get(key) !== value) {
        existing.set(key, value);
      }
    }
  });
  if (next.slots) {
    const slots = doc.get('slots', true);
    if (isMap(slots)) {
      for (const key of ['active', 'blue', 'green'] as const) {
        if (slots.get(key) !== next.slots[key]) slots.set(key, next.slots[key]);
      }
    } else {
      const node = doc.createNode({ ...next.slots }) as YAMLMap;
      node.flow = true;
      doc.set('slots', node);
    }
  }
  for (const key of ['standStates', 'aliases'] as const) setWhole(doc, key, next[key]);
  return doc.toString({ lineWidth: 0 });
}

/** Replaces a small CLI-managed mapping when it changed, or removes it when it is gone. */
function setWhole(doc: Document, key: string, value: object | undefined): void {
  if (value === undefined || Object.keys(value).length === 0) {
    if (doc.has(key)) doc.delete(key);
    return;
  }
  const current = doc.get(key, true);
  const js = isMap(current) ? current.toJS(doc) : undefined;
  if (JSON.stringify(js) !== JSON.stringify(value)) doc.set(key, doc.createNode(value));
}

function orderedEntry(v: VersionEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of VERSION_KEYS) if (v[key] !== undefined) out[key] = v[key];
  return out;
}
