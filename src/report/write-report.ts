import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryEvent } from '../core/history-event';
import type { ModelRecord } from '../core/record';
import { fileProblem } from '../registry/file-errors';
import { writeFilesAtomicConcurrently } from '../registry/staged-write';
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
  try {
    // An --out that is a file is named as such, not by the models/ folder that cannot be made under it.
    if (fs.existsSync(opts.out) && !fs.statSync(opts.out).isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${opts.out}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: opts.out });
    }
    // Every page to a temp file first, then all renamed into place: a full disk leaves the old report whole and
    // consistent, not some pages new and others (and the index) old.
    await writeFilesAtomicConcurrently(pages, 16, { createFolders: true });
    for (const file of removed) fs.rmSync(file, { force: true });
  } catch (e) {
    // A file where a directory should be, no permission, a full disk: the user's or the machine's, named.
    throw fileProblem(e, (e as NodeJS.ErrnoException).path?.replace(/\/\.([^/]+)\.tmp-[^/]+$/, '/$1') ?? opts.out, '--out');
  }
  return { files: [...pages.keys()], removed, models };
}
