import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import type { HistoryEvent } from '../core/history-event';
import type { ModelRecord } from '../core/record';
import { writeFileAtomic } from '../registry/atomic-write';
import { indexPage } from './index-page';
import { modelReport, ModelReportSummary } from './model-report';

export interface ReportInput {
  readonly record: ModelRecord;
  readonly events: readonly HistoryEvent[];
}

export interface WriteReportOptions {
  /** Directory the report goes to: `index.html` and `models/<name>.html`. */
  readonly out: string;
  readonly now: string;
  readonly suddenChange?: number;
  /**
   * The inputs are every model: the index is written from them and the pages of
   * models no longer there are removed. Otherwise only the inputs' pages are
   * written, and the index (a summary of every model) is left as it is.
   * @default true
   */
  readonly complete?: boolean;
}

/**
 * Renders every page in memory, then writes each one atomically: a failure
 * while rendering leaves the previous report as it was. Model pages live under
 * `models/` so a model named `index` cannot overwrite the front page.
 */
export async function writeReport(inputs: readonly ReportInput[], opts: WriteReportOptions): Promise<{ files: string[]; removed: string[]; models: ModelReportSummary[] }> {
  const pages = new Map<string, string>();
  const models: ModelReportSummary[] = [];
  for (const { record, events } of inputs) {
    const report = await modelReport(record, events, { now: opts.now, suddenChange: opts.suddenChange });
    pages.set(path.join(opts.out, 'models', `${record.name}.html`), report.html);
    models.push(report.summary);
  }
  const complete = opts.complete ?? true;
  if (complete) pages.set(path.join(opts.out, 'index.html'), indexPage(models, opts.now));
  // A removed model's page would stay on disk, unlinked and stale.
  const pagesDir = path.join(opts.out, 'models');
  const removed = complete && fs.existsSync(pagesDir)
    ? fs.readdirSync(pagesDir).filter((f) => f.endsWith('.html')).map((f) => path.join(pagesDir, f)).filter((f) => !pages.has(f)).sort()
    : [];
  let current = opts.out;
  try {
    fs.mkdirSync(path.join(opts.out, 'models'), { recursive: true });
    for (const [file, html] of pages) {
      current = file;
      writeFileAtomic(file, html);
    }
    for (const file of removed) {
      current = file;
      fs.rmSync(file, { force: true });
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    // A file where a directory should be, no permission, a full disk: the user's to fix, named.
    throw new InputError(`--out: cannot write ${current} (${code})`);
  }
  return { files: [...pages.keys()], removed, models };
}
