import { traceConnects } from './outbound';

describe('traceConnects', () => {
  it('sees an IPv4 connect (to a closed local port: no network needed) and not a local socket', () => {
    const script = "require('node:net').connect(9, '127.0.0.1').on('error', () => process.exit(0))";
    const { run, outbound } = traceConnects(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatch(/sin_port=htons\(9\).*127\.0\.0\.1/);
    expect(traceConnects(process.execPath, ['-e', 'process.exit(0)'], { encoding: 'utf8' }).outbound).toEqual([]);
  });
});
