/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
body { font-family: sans-serif; color: #111; background: #fff; margin: 2em auto; max-width: 62em; padding: 0 1em; line-height: 1.4; }
h1 { margin-bottom: .2em; } h2 { border-bottom: 1px solid #999; padding-bottom: .2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: .6em 0; font-size: .92em; max-width: 100%; }
@media screen and (max-width: 48em) { table { display: block; overflow-x: auto; } }
th, td { border: 1px solid #bbb; padding: .25em .55em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .9em; word-break: break-all; }
.pass { color: #14622b; } .fail { color: #a10f0f; font-weight: bold; } .unsure { color: #8a5a00; } .none { color: #555; }
.callout { border: 2px solid #111; border-left-width: 8px; padding: .4em .8em; margin: .6em 0; }
figure { margin: 1em 0; page-break-inside: avoid; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: .3em; }
.chart svg { max-width: 100%; height: auto; }
.meta { color: #444; font-size: .9em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } h2 { page-break-after: avoid; } }
`;

/**
 * A complete page. The Content-Security-Policy forbids every fetch and script,
 * so a report that opens from disk can never reach the network.
 */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A gate verdict in a symbol, a word and a class: readable without colour. */
export function verdictCell(verdict: 'pass' | 'fail' | 'inconclusive' | 'no gate' | 'not measured', text: string): string {
  const mark = { pass: '✔ within', fail: '✘ outside', inconclusive: '? inconclusive', 'no gate': '· no gate', 'not measured': '– not measured' }[verdict];
  const cls = verdict === 'pass' ? 'pass' : verdict === 'fail' ? 'fail' : verdict === 'inconclusive' ? 'unsure' : 'none';
  return `<td class="num ${cls}">${text ? `${esc(text)} ` : ''}<span class="verdict">${mark}</span></td>`;
}
