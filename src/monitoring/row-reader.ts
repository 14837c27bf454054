import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parse } from 'csv-parse';
import { InputError } from '../core/errors';

export const DATA_FORMATS = ['csv', 'jsonl'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

/** A cell as the file holds it: CSV gives strings, JSON Lines any JSON value. */
export type Cell = unknown;

/**
 * Called once per data row with the wanted columns' cells, in the order asked
 * for, and the row's line (JSON Lines) or its record number + 1 (CSV, exact
 * without multi-line fields). A refused cell is thrown as a CellError; the
 * reader turns it into an InputError with the exact line.
 */
export type RowHandler = (cells: readonly Cell[], line: number) => void;

/** A cell the handler refuses: the message names the column and the value, the reader adds file and line. */
export class CellError extends Error {}

/** `.csv` is CSV; `.jsonl`, `.ndjson` and `.json` are JSON Lines; anything else needs --format. */
export function formatOf(file: string, given?: DataFormat): DataFormat {
  if (given) return given;
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(file)) return 'jsonl';
  throw new InputError(`${file}: cannot tell CSV from JSON Lines by the name; pass --format csv or --format jsonl`);
}

/**
 * Streams the rows of a CSV (header line first, RFC 4180 quoting) or JSON
 * Lines file to `onRow`, holding one chunk in memory at a time. Returns the
 * number of data rows; refuses an empty file, a missing column (unless
 * `optional` names it: then its cells are empty) and a broken line with the
 * file and line number.
 */
export async function forEachRow(
  file: string, format: DataFormat, columns: readonly string[], onRow: RowHandler, optional: ReadonlySet<string> = new Set(),
): Promise<number> {
  let input: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw new InputError(`${file}: not a regular file`);
    input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const rows = format === 'csv' ? await readCsv(file, input, columns, onRow, optional) : await readJsonLines(file, input, columns, onRow, optional);
  if (rows === 0) throw new InputError(`${file}: no data rows${fs.statSync(file).size === 0 ? ' (the file is empty)' : ''}`);
  return rows;
}

/**
 * csv-parse without `info` runs about twice as fast, so rows are counted, not
 * lines; only when a cell is refused does a second pass with `info` find the
 * line that record ends on (a quoted field may span lines).
 */
async function readCsv(file: string, input: fs.ReadStream, columns: readonly string[], onRow: RowHandler, optional: ReadonlySet<string>): Promise<number> {
  const parser = input.pipe(parse({ skip_empty_lines: true, bom: true }));
  input.on('error', (e) => parser.destroy(e));
  let indices: number[] | undefined;
  let rows = 0;
  const cells: Cell[] = new Array(columns.length);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!indices) {
        indices = columns.map((c) => {
          const i = record.indexOf(c);
          if (i < 0 && !optional.has(c)) throw new InputError(`${file}: line 1: no column "${c}" in the header (it has: ${record.join(', ')})`);
          // Which of two same-named columns is meant cannot be known; taking the first would be a guess.
          if (i >= 0 && record.lastIndexOf(c) !== i) throw new InputError(`${file}: line 1: column "${c}" is in the header twice (columns ${i + 1} and ${record.lastIndexOf(c) + 1})`);
          return i;
        });
        continue;
      }
      // An optional column the header lacks is empty in every row.
      for (let k = 0; k < indices.length; k++) cells[k] = indices[k] < 0 ? null : record[indices[k]];
      rows++;
      try {
        onRow(cells, rows + 1);
      } catch (e) {
        if (e instanceof CellError) throw new InputError(`${file}: line ${await lineOfRecord(file, rows)}: ${e.message}`);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    // csv-parse says where ("... at line 7"); keep its words after the file name.
    throw new InputError(`${file}: ${(e as Error).message}`);
  } finally {
    input.destroy();
  }
  return rows;
}

/** The line the n-th data record (1-based) ends on. */
async function lineOfRecord(file: string, n: number): Promise<number> {
  const parser = fs.createReadStream(file).pipe(parse({ info: true, skip_empty_lines: true, bom: true, to: n + 1 }));
  let line = 0;
  for await (const { info } of parser as AsyncIterable<{ info: { lines: number } }>) line = info.lines;
  return line;
}

async function readJsonLines(file: string, input: fs.ReadStream, columns: readonly string[], onRow: RowHandler, optional: ReadonlySet<string>): Promise<number> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let rows = 0;
  const cells: Cell[] = new Array(columns.length);
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new InputError(`${file}: line ${line}: not valid JSON`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InputError(`${file}: line ${line}: not a JSON object`);
    const row = obj as Record<string, unknown>;
    for (let k = 0; k < columns.length; k++) {
      if (Object.prototype.hasOwnProperty.call(row, columns[k])) cells[k] = row[columns[k]];
      else if (optional.has(columns[k])) cells[k] = null;
      else throw new InputError(`${file}: line ${line}: no column "${columns[k]}"`);
    }
    try {
      onRow(cells, line);
    } catch (e) {
      if (e instanceof CellError) throw new InputError(`${file}: line ${line}: ${e.message}`);
      throw e;
    }
    rows++;
  }
  return rows;
}
