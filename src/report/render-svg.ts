import { parse, View } from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node, so the
 * page shows its charts with no script. Vega measures text without a canvas
 * by estimate, which is close enough for axis labels.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
