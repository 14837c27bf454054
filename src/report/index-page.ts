import { esc, page } from './html';
import type { ModelReportSummary } from './model-report';

/** The report's front page: one row per model, linking its page. */
export function indexPage(models: readonly ModelReportSummary[], now: string): string {
  const rows = models.map((m) => `<tr><td><a href="models/${esc(m.name)}.html">${esc(m.name)}</a></td><td>${esc(m.strategy)}</td><td>${esc(m.live ?? '–')}</td><td class="num">${m.versions}</td><td class="num">${m.outOfGate ? `✘ ${m.outOfGate}` : '✔ 0'}</td><td class="num">${m.suddenChanges ? `⚠ ${m.suddenChanges}` : '0'}</td></tr>`);
  return page('modelship report', `<h1>modelship report</h1>
<p class="meta">${models.length} model${models.length === 1 ? '' : 's'} · made ${esc(now)}</p>
<table class="models"><thead><tr><th>model</th><th>strategy</th><th>live version</th><th>versions</th><th>versions outside a gate or unsettled</th><th>sudden changes</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
`);
}
