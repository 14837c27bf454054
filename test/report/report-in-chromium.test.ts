import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, exampleModelsDir, tempDir } from '../helpers/cli';
import { launchChromium } from '../helpers/chromium';
import { richModelsDir } from '../helpers/report-fixture';

/**
 * Opens a report page in headless Chromium and reports what a reader would
 * meet: charts and their drawn marks, console errors, every request made.
 */
let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * `screenshot`: where to save a full-page PNG. `print`: also lay the page out as
 * print media and print it to PDF (the costly part, so only where a test looks).
 */
async function openInChromium(file: string, { screenshot, print = false }: { screenshot?: string; print?: boolean } = {}) {
  const page = await browser.context.newPage();
  try {
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return {
        id: f.id,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        marks: svg ? svg.querySelectorAll('path, line, rect, text').length : 0,
      };
    }));
    const scripts = await page.$$eval('script', (s) => s.length);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    if (!print) return { charts, errors, requests, scripts };
    // Printable: as print media on A4 every chart still has a size, and the PDF has pages.
    await page.emulateMedia({ media: 'print' });
    const printedCharts = await page.$$eval('figure.chart svg', (svgs) => svgs.filter((s) => s.getBoundingClientRect().width > 100).length);
    const pdf = await page.pdf({ format: 'A4' });
    return { charts, errors, requests, scripts, printedCharts, pdfPages: (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length };
  } finally {
    await page.close();
  }
}

describe('the report in a browser', () => {
  it('draws every chart of a model with all kinds of figures, from disk, with no script, error or request', async () => {
    const out = tempDir('report-');
    const r = await cli(['report', 'taxi-fare', '--out', out, '--models-dir', richModelsDir()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(out, 'models', 'taxi-fare.html');
    const shot = path.join(out, 'taxi-fare.png');
    const seen = await openInChromium(file, { screenshot: shot, print: true });
    expect(seen.charts.map((c) => c.id).sort()).toEqual(['drift', 'drift-chi-square', 'drift-ks', 'drift-mean-gap', 'drift-psi', 'latency', 'live-timeline', 'metric-r2', 'metric-rmse', 'size']);
    for (const c of seen.charts) {
      expect(c.width).toBeGreaterThan(100);
      expect(c.height).toBeGreaterThan(50);
      expect(c.marks).toBeGreaterThan(10);
    }
    expect(seen.errors).toEqual([]);
    expect(seen.scripts).toBe(0);
    expect(seen.printedCharts).toBe(seen.charts.length);
    expect(seen.pdfPages).toBeGreaterThan(1);
    expect(seen.requests).toEqual([pathToFileURL(file).href]);
    expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
  });

  it('fits a phone: the page never pans sideways at 390 px, wide tables scroll inside themselves', async () => {
    const out = tempDir('report-');
    expect((await cli(['report', 'taxi-fare', '--out', out, '--models-dir', richModelsDir()])).code).toBe(0);
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(pathToFileURL(path.join(out, 'models', 'taxi-fare.html')).href, { waitUntil: 'load' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // The figures table is wider than the screen: it scrolls, whole, rather than being cut off.
      const figures = await page.$eval('table.figures', (t) => ({ client: t.clientWidth, scroll: t.scrollWidth }));
      expect(figures.client).toBeLessThanOrEqual(390);
      expect(figures.scroll).toBeGreaterThan(figures.client);
    } finally {
      await page.close();
    }
  });

  it("the example models' report: index and every model page render, links stay on disk", async () => {
    const out = tempDir('report-');
    const r = await cli(['report', '--out', out, '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(0);
    // Screenshots of these pages only when asked for (for the README): the test reads none of them.
    const shots = process.env.MODELSHIP_REPORT_SCREENSHOTS;
    for (const name of ['index', 'models/fraud-detector', 'models/taxi-fare']) {
      const file = path.join(out, `${name}.html`);
      const seen = await openInChromium(file, { screenshot: shots && path.join(shots, `${path.basename(name)}.png`) });
      expect(seen.errors).toEqual([]);
      expect(seen.requests).toEqual([pathToFileURL(file).href]);
      if (name !== 'index') expect(seen.charts.map((c) => c.id)).toEqual(['size', 'latency', 'live-timeline']);
    }
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    for (const href of index.match(/href="[^"]+"/g) ?? []) {
      expect(fs.existsSync(path.join(out, href.slice(6, -1)))).toBe(true);
    }
  });
});
