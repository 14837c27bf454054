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

  it('sees a connect in a grandchild process, as the cdk8s and cdktf CLIs start the app (the seccomp filter is inherited)', () => {
    const connect = "require('node:net').connect(9, '127.0.0.2').on('error', () => process.exit(0))";
    const script = `require('node:child_process').execFileSync(process.execPath, ['-e', ${JSON.stringify(connect)}])`;
    const { run, outbound } = traceConnects('/bin/sh', ['-c', `"${process.execPath}" -e "$0"`, script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatch(/sin_port=htons\(9\).*127\.0\.0\.2/);
  });
});
