import { expire, expiryPlan } from '../../src/core/expiry';
import { blueGreen, record, version } from '../helpers/records';

const DAY = 24 * 3600 * 1000;
const now = new Date('2026-12-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY).toISOString().replace(/\.000Z$/, 'Z');
const planned = (r: ReturnType<typeof record>, opts: { keep?: number; olderThanMs?: number } = {}) =>
  expiryPlan(r, { keep: opts.keep ?? 3, olderThanMs: opts.olderThanMs, now }).map((e) => e.version.version);

describe('expiry plan', () => {
  const r = record({
    versions: [
      version('1.0.0', 'retired', { retiredAt: daysAgo(90) }),
      version('1.1.0', 'retired', { retiredAt: daysAgo(60) }),
      version('1.2.0', 'retired', { retiredAt: daysAgo(10) }),
      version('1.3.0', 'production', { promotedAt: daysAgo(10) }),
      version('1.4.0-rc.0', 'rejected', { createdAt: daysAgo(40), reason: 'too slow' }),
      version('1.4.0-rc.1', 'rejected', { createdAt: daysAgo(1) }),
      version('1.4.0-rc.2', 'candidate', { createdAt: daysAgo(45) }),
      version('1.4.0-rc.3', 'candidate', { createdAt: daysAgo(2) }),
      version('1.4.0', 'validated', { createdAt: daysAgo(100) }),
    ],
  });

  it('rejected versions of any age and retired ones beyond --keep, newest retired first; never candidates without --older-than', () => {
    expect(planned(r, { keep: 1 })).toEqual(['1.0.0', '1.1.0', '1.4.0-rc.0', '1.4.0-rc.1']);
    expect(planned(r, { keep: 3 })).toEqual(['1.4.0-rc.0', '1.4.0-rc.1']);
    expect(planned(r, { keep: 0 })).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.4.0-rc.0', '1.4.0-rc.1']);
  });

  it('--older-than spares young versions and lets old candidates expire; never production or validated', () => {
    expect(planned(r, { keep: 0, olderThanMs: 30 * DAY })).toEqual(['1.0.0', '1.1.0', '1.4.0-rc.0', '1.4.0-rc.2']);
  });

  it('never a version in a slot, even retired or beyond --keep', () => {
    const bg = blueGreen({
      versions: [
        version('1.0.0', 'retired', { retiredAt: daysAgo(90) }),
        version('1.1.0', 'retired', { retiredAt: daysAgo(60) }),
        version('1.2.0', 'production'),
      ],
      slots: { active: 'green', blue: '1.0.0', green: '1.2.0' },
    });
    expect(planned(bg, { keep: 0 })).toEqual(['1.1.0']);
  });

  it('expire drops entries and records one event each, keeping the record valid', () => {
    const out = expire(r, [{ version: '1.0.0', details: { tags: [] } }, { version: '1.4.0-rc.0', details: {} }]);
    expect(out.record.versions.map((v) => v.version)).not.toContain('1.0.0');
    expect(out.record.versions).toHaveLength(r.versions.length - 2);
    expect(out.events).toEqual([
      { action: 'expire', version: '1.0.0', from: 'retired', to: null, details: { tags: [] } },
      { action: 'expire', version: '1.4.0-rc.0', from: 'rejected', to: null, details: {} },
    ]);
  });
});

describe('expiry with stands and aliases', () => {
  const r = record({
    stands: [{ name: 'dev', kubernetes: { namespace: 'd' }, nomad: { namespace: 'd' } }, { name: 'prod' }],
    versions: [
      version('1.0.0', 'retired', { retiredAt: daysAgo(90) }),
      version('1.1.0', 'retired', { retiredAt: daysAgo(60) }),
      version('1.2.0', 'production', { promotedAt: daysAgo(10) }),
      version('1.3.0-rc.0', 'rejected', { createdAt: daysAgo(40) }),
    ],
    standStates: { dev: { versions: [{ version: '1.0.0', stage: 'retired' }, { version: '1.1.0', stage: 'production' }] } },
    aliases: { champion: '1.3.0-rc.0' },
  });

  it('never a version still live in a stand or named by an alias; a retired one leaves the stand\'s state too', () => {
    expect(planned(r, { keep: 0 })).toEqual(['1.0.0']);
    const next = expire(r, [{ version: '1.0.0', details: {} }]).record;
    expect(next.standStates?.dev.versions).toEqual([{ version: '1.1.0', stage: 'production' }]);
  });
});
