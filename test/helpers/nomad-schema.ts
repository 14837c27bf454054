import { parse } from '@cdktf/hcl2json';
import schema from '../fixtures/nomad-jobspec-schema.json';

interface Spec { kind?: string; type: string | null; map?: boolean }
type Section = Record<string, Record<string, Spec>>;
const HCL = schema.hcl as Section;
const JSON_API = schema.json as Section;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** HashiCorp's own HCL parser (hcl2json): a syntax error rejects. */
export async function parseHcl(text: string): Promise<Json> {
  return parse('job.nomad.hcl', text);
}

const isBlockList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));

/** Blocks that carry a label: `job "x"`, `group "g"`, `task "t"`, `volume "v"`, `port "http"`. */
function labeled(type: string): boolean {
  return type === 'Job' || type === 'Port' || Object.values(HCL[type] ?? {}).some((s) => s.kind === 'label');
}

/** Every block and attribute in the parsed HCL must be one Nomad's jobspec accepts, in the right place. */
export function hclProblems(parsed: Json): string[] {
  const problems: string[] = [];
  const walkBody = (body: Json, type: string, where: string) => {
    for (const [key, value] of Object.entries(body)) {
      const spec = HCL[type]?.[key];
      const at = `${where}.${key}`;
      if (!spec) {
        problems.push(`${at}: not an attribute or block of ${type}`);
        continue;
      }
      if (spec.kind === 'block') {
        if (spec.type === null) {
          // Free-form maps (config, env, meta): one block of attributes.
          if (!isBlockList(value)) problems.push(`${at}: must be a block`);
          continue;
        }
        walkBlocks(value, spec.type, at);
      } else if (isBlockList(value)) {
        problems.push(`${at}: is an attribute of ${type}, written as a block`);
      }
    }
  };
  const walkBlocks = (value: Json, type: string, at: string) => {
    if (labeled(type)) {
      if (isBlockList(value) || typeof value !== 'object') {
        problems.push(`${at}: needs a label`);
        return;
      }
      for (const [label, bodies] of Object.entries(value)) for (const b of bodies as Json[]) walkBody(b, type, `${at}["${label}"]`);
    } else {
      if (!isBlockList(value)) {
        problems.push(`${at}: must be a block`);
        return;
      }
      for (const b of value as Json[]) walkBody(b, type, at);
    }
  };
  const top = Object.keys(parsed);
  if (top.join() !== 'job') problems.push(`top level must be one job block, not ${top.join(', ')}`);
  walkBlocks(parsed.job, 'Job', 'job');
  return problems;
}

/** Every key of the JSON job must be a field of Nomad's API `Job` (and its nested types). */
export function jsonProblems(doc: Json): string[] {
  const problems: string[] = [];
  const walk = (obj: Json, type: string, at: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const spec = JSON_API[type]?.[key];
      if (!spec) {
        problems.push(`${at}.${key}: not a field of api.${type}`);
        continue;
      }
      if (spec.type === null || value === null) continue;
      const nested = spec.type;
      if (spec.map) for (const [k, v] of Object.entries(value as object)) walk(v, nested, `${at}.${key}["${k}"]`);
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, nested, `${at}.${key}[${i}]`));
      else walk(value, nested, `${at}.${key}`);
    }
  };
  if (Object.keys(doc).join() !== 'Job') problems.push('the JSON job format has one top-level key, Job');
  walk(doc.Job, 'Job', 'Job');
  return problems;
}

/** hcl2json keeps HCL's template escapes; a string's value has `$${` as `${` and `%%{` as `%{`. */
export function hclString(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

const UNITS: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
export function durationNs(s: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s);
  if (!m) throw new Error(`not a duration: ${s}`);
  return Number(m[1]) * UNITS[m[2]];
}
