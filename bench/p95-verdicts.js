'use strict';
// How often one latency run gives the wrong verdict: the point p95 against a gate
// (the baseline: what validate did before) and the p95's 95% interval (what it does
// now), over repeated runs against one local server in the same process.
//   node bench/p95-verdicts.js [runs=9] [requests=200]
const http = require('node:http');
const { measureLatency } = require('../lib/src/measure/endpoint-latency');
const { median } = require('./median');

const runs = Number(process.argv[2] ?? 9);
const requests = Number(process.argv[3] ?? 200);

// A skewed service time: lognormal around 20 ms with a tail, as model servers have.
function delayMs() {
  const z = Math.sqrt(-2 * Math.log(Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return Math.exp(Math.log(20) + 0.5 * z);
}

async function main() {
  const server = http.createServer((_q, res) => setTimeout(() => res.end('ok'), delayMs()));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/predict`;
  const results = [];
  for (let i = 0; i < runs; i++) {
    results.push(await measureLatency({ url, requests, concurrency: 8, warmup: 10, headers: {}, maxErrorRate: 0.01, timeoutMs: 10000 }));
  }
  server.close();
  const p95s = results.map((r) => r.p95Ms);
  // The gate sits at the median p95 of all runs plus 5%: a version that truly meets it, narrowly.
  const gate = median(p95s) * 1.05;
  const point = { pass: 0, reject: 0 };
  const ci = { pass: 0, reject: 0, inconclusive: 0 };
  for (const r of results) {
    point[r.p95Ms <= gate ? 'pass' : 'reject']++;
    ci[r.p95HighMs <= gate ? 'pass' : r.p95LowMs > gate ? 'reject' : 'inconclusive']++;
  }
  const f = (x) => x.toFixed(1);
  console.log(`${runs} runs of ${requests} requests, service time lognormal(median 20 ms, sigma 0.5), concurrency 8`);
  console.log(`p95 per run: min ${f(Math.min(...p95s))} ms, median ${f(median(p95s))} ms, max ${f(Math.max(...p95s))} ms`);
  console.log(`95% interval width per run: median ${f(median(results.map((r) => r.p95HighMs - r.p95LowMs)))} ms`);
  console.log(`gate ${f(gate)} ms (median p95 + 5%)`);
  console.log(`baseline, point p95: ${point.pass} pass, ${point.reject} reject (a reject here is a wrong verdict for good)`);
  console.log(`95% interval:        ${ci.pass} pass, ${ci.reject} reject, ${ci.inconclusive} inconclusive (measure again)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
