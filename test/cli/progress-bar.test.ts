import { BYTES, progressBar } from '../../src/cli/progress-bar';

function terminal(): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY: true, text: '', write(s: string) { this.text += s; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

const MIB = 1024 * 1024;

describe('progressBar', () => {
  it('shows percent, amount, rate and ETA, then erases itself', () => {
    const out = terminal();
    let now = 0;
    const bar = progressBar(out, BYTES, () => now);
    now = 2000;
    bar.update(100 * MIB, 400 * MIB);
    expect(out.text).toBe('\r\u001b[2K[######..................]  25%  100/400 MiB  50.0 MiB/s  ETA 6s');
    now = 2050; // redrawn at most every 100 ms
    bar.update(120 * MIB, 400 * MIB);
    expect(out.text.split('\r').length).toBe(2);
    bar.done();
    expect(out.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('stays silent off a terminal and for work too small to wait on', () => {
    const piped = { ...terminal(), isTTY: false } as NodeJS.WriteStream & { text: string };
    const a = progressBar(piped);
    a.update(500 * MIB, 1000 * MIB);
    a.done();
    const out = terminal();
    const b = progressBar(out, BYTES, () => 1000);
    b.update(1, 2 * MIB);
    b.done();
    expect(out.text).toBe('');
  });

  it('counts requests and errors for an endpoint', () => {
    const out = terminal();
    let now = 0;
    const bar = progressBar(out, { minTotal: 1, amount: (d, t) => `${d}/${t} requests`, rate: (r) => `${r.toFixed(0)} req/s`, extra: () => '3 errors' }, () => now);
    now = 90_000;
    bar.update(150, 200);
    expect(out.text).toContain(' 75%  150/200 requests  2 req/s  ETA 30s  3 errors');
  });
});
