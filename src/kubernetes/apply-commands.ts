import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readHead } from '../synth/file-head';
import { applyCommand, deleteCommand, namespaceOfManifest } from './apply-set';

/** What to run after synth so the cluster matches the Kubernetes folders. */
export interface PruneCommands {
  /** One `kubectl apply --prune --applyset` per folder and namespace that still has manifests. */
  readonly apply: readonly string[];
  /** One `kubectl delete` per folder and namespace whose last manifest synth removed. */
  readonly delete: readonly string[];
}

/** A Kubernetes output folder and the stand whose ApplySet it is. */
export interface ManifestFolder {
  readonly dir: string;
  /** @default - records without stands */
  readonly stand?: string;
}

const MANIFEST = /\.k8s\.yaml$/;

/** A generated manifest's namespace: from its header, or (a file from an older modelship) its first object. */
function namespaceOf(text: string): string {
  const named = namespaceOfManifest(text);
  if (named !== undefined) return named;
  const first = parseAllDocuments(text)[0]?.toJS() as { metadata?: { namespace?: string } } | undefined;
  return first?.metadata?.namespace ?? 'default';
}

/** Reads only the header of a file on disk: a folder may hold a thousand manifests. */
function namespaceOfFile(file: string): string {
  return namespaceOfManifest(readHead(file) ?? '') ?? namespaceOf(fs.readFileSync(file, 'utf8'));
}

/**
 * The commands for each folder as it will be once `written` is written and `removed`
 * removed, compared with how it is now. Call it before changing the folders.
 */
export function applyCommands(folders: readonly ManifestFolder[], written: ReadonlyMap<string, string>, removed: readonly string[]): PruneCommands {
  const apply: string[] = [];
  const del: string[] = [];
  const gone = new Set(removed);
  for (const { dir, stand } of folders) {
    const before = new Set<string>();
    const after = new Map<string, string[]>();
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => MANIFEST.test(n)) : [];
    // Also the files about to be rewritten: a model that moved namespace left objects in the old one.
    for (const name of existing) before.add(namespaceOfFile(path.join(dir, name)));
    const names = new Set([...existing, ...[...written.keys()].filter((f) => path.dirname(f) === dir).map((f) => path.basename(f))]);
    for (const name of [...names].sort()) {
      const file = path.join(dir, name);
      if (!MANIFEST.test(name) || gone.has(file)) continue;
      const text = written.get(file);
      const ns = text !== undefined ? namespaceOf(text) : namespaceOfFile(file);
      after.set(ns, [...(after.get(ns) ?? []), file]);
    }
    const whole = after.size === 1;
    for (const [ns, files] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
      apply.push(applyCommand(ns, stand, whole ? [`${dir}/`] : files));
    }
    for (const ns of [...before].sort()) if (!after.has(ns)) del.push(deleteCommand(ns, stand));
  }
  return { apply, delete: del };
}
