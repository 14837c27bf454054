import type { Provenance } from './record';

/**
 * A history event's details as `key=value` parts, for people: every scalar,
 * then the metrics and the figures' provenance spelled out, since they are
 * what a reader checks (what was measured, and by what, or who typed it).
 */
export function eventDetailParts(details: Readonly<Record<string, unknown>>): string[] {
  const out = Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`);
  const metrics = details.metrics as Record<string, number> | undefined;
  if (metrics && typeof metrics === 'object') out.push(`metrics=${Object.entries(metrics).map(([k, v]) => `${k}:${v}`).join(',')}`);
  const origin = details.origin as Record<string, string> | undefined;
  if (origin && typeof origin === 'object') out.push(...Object.entries(origin).map(([k, v]) => `origin.${k}=${v}`));
  const p = details.provenance as Provenance | undefined;
  if (p && typeof p === 'object') out.push(p.kind === 'measured' ? `measured-by=${p.command ?? 'measure'}` : `declared=${p.source ?? 'typed'}`);
  return out;
}
