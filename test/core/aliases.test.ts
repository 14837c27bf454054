import { aliasAt, aliasNameProblem, aliasTimeline, listAliases, removeAlias, setAlias } from '../../src/core/aliases';
import { InputError } from '../../src/core/errors';
import type { HistoryEvent } from '../../src/core/history-event';
import { recordRuleViolations } from '../../src/core/record-rules';
import { record, version } from '../helpers/records';

const r = record({
  stands: [{ name: 'dev', kubernetes: { namespace: 'd' }, nomad: { namespace: 'd' } }, { name: 'prod' }],
  versions: [version('1.0.0', 'production'), version('1.1.0', 'validated'), version('1.2.0', 'rejected')],
});

const ev = (at: string, action: string, v: string | null, extra: Partial<HistoryEvent> = {}): HistoryEvent =>
  ({ at, actor: 'ana', action, version: v, from: null, to: null, details: {}, ...extra });

describe('aliases', () => {
  it.each([
    ['champion', undefined],
    ['Challenger_2-b', undefined],
    ['latest', '"latest" is reserved (it always means the newest version)'],
    ['LATEST', '"LATEST" is reserved (it always means the newest version)'],
    ['v3', '"v3" looks like a version number; choose a name such as champion'],
    ['V12', '"V12" looks like a version number; choose a name such as champion'],
    ['v3a', undefined],
    ['dev', '"dev" is a stand: it always points at the version live there'],
    ['constructor', '"constructor" is reserved (JavaScript objects keep it for themselves)'],
    ['__proto__', '"__proto__" is reserved (JavaScript objects keep it for themselves)'],
    ['a.b', '"a.b" must be 1 to 255 letters, digits, _ or -'],
    ['', '"" must be 1 to 255 letters, digits, _ or -'],
    ['x'.repeat(256), `"${'x'.repeat(256)}" must be 1 to 255 letters, digits, _ or -`],
  ])('alias name rule %#', (name, problem) => {
    expect(aliasNameProblem(r, name)).toBe(problem);
  });

  it('set, move and remove, each an event; unique per model by construction', () => {
    const a = setAlias(r, 'champion', '1.0.0');
    expect(a.record.aliases).toEqual({ champion: '1.0.0' });
    expect(a.events).toEqual([{ action: 'alias-set', version: '1.0.0', from: null, to: null, details: { alias: 'champion', previous: null } }]);
    const b = setAlias(a.record, 'champion', '1.1.0');
    expect(b.record.aliases).toEqual({ champion: '1.1.0' });
    expect(b.summary).toBe('taxi-fare@champion -> 1.1.0 (was 1.0.0)');
    // Setting it again where it is: no change, no event, no failure (a re-run CI step).
    const again = setAlias(b.record, 'champion', '1.1.0');
    expect([again.record, again.events, again.summary]).toEqual([b.record, [], 'taxi-fare: champion already points at 1.1.0']);
    expect(() => setAlias(b.record, 'challenger', '1.2.0')).toThrow('1.2.0 is rejected');
    expect(() => setAlias(b.record, 'challenger', '9.0.0')).toThrow(InputError);
    expect(() => setAlias(b.record, 'latest', '1.0.0')).toThrow('alias: "latest" is reserved');
    const c = removeAlias(b.record, 'champion');
    expect(c.record.aliases).toBeUndefined();
    expect(c.events[0]).toMatchObject({ action: 'alias-rm', version: '1.1.0', details: { alias: 'champion' } });
    expect(() => removeAlias(c.record, 'champion')).toThrow('no alias champion (aliases: none)');
    // A stand's implicit alias is not removable, and the message says why rather than that it does not exist.
    expect(() => removeAlias(b.record, 'prod')).toThrow(new InputError('taxi-fare: prod is a stand, not an alias that can be removed: it always points at the version live there (aliases: champion)'));
  });

  it('list: the stands\' implicit aliases first, then the named ones', () => {
    const withAliases = { ...r, aliases: { zeta: '1.1.0', champion: '1.0.0' } };
    expect(listAliases(withAliases)).toEqual([
      { alias: 'dev', version: null, kind: 'stand' },
      { alias: 'prod', version: '1.0.0', kind: 'stand' },
      { alias: 'champion', version: '1.0.0', kind: 'alias' },
      { alias: 'zeta', version: '1.1.0', kind: 'alias' },
    ]);
  });

  it('record rules refuse a bad alias in the file', () => {
    expect(recordRuleViolations({ ...r, aliases: { v2: '1.0.0', ok: '3.0.0' } }).map((v) => `${v.path}: ${v.message}`)).toEqual([
      'aliases.v2: "v2" looks like a version number; choose a name such as champion',
      'aliases.ok: 3.0.0 is not in versions',
    ]);
  });

  it('history answers which version an alias (or a stand) pointed at when', () => {
    const events = [
      ev('2026-09-01T00:00:00Z', 'alias-set', '1.0.0', { details: { alias: 'champion', previous: null } }),
      ev('2026-09-05T00:00:00Z', 'promote', '1.0.0', { stand: 'dev', to: 'production' }),
      ev('2026-09-20T00:00:00Z', 'alias-set', '1.1.0', { details: { alias: 'champion', previous: '1.0.0' } }),
      ev('2026-09-21T00:00:00Z', 'alias-set', '1.1.0', { details: { alias: 'challenger', previous: null } }),
      ev('2026-10-02T00:00:00Z', 'alias-rm', '1.1.0', { details: { alias: 'champion' } }),
      // Events without a stand are the last stand's (recorded before stands were declared).
      ev('2026-09-03T00:00:00Z', 'promote', '1.0.0', { to: 'production' }),
    ];
    const champion = aliasTimeline(r, events, 'champion');
    expect(champion.map((p) => [p.from, p.until, p.version])).toEqual([
      ['2026-09-01T00:00:00Z', '2026-09-20T00:00:00Z', '1.0.0'],
      ['2026-09-20T00:00:00Z', '2026-10-02T00:00:00Z', '1.1.0'],
      ['2026-10-02T00:00:00Z', undefined, null],
    ]);
    expect(aliasAt(champion, '2026-08-31')).toBeNull();
    expect(aliasAt(champion, '2026-09-19T23:59:59Z')).toBe('1.0.0');
    expect(aliasAt(champion, '2026-10-01')).toBe('1.1.0');
    expect(aliasAt(champion, '2026-10-03')).toBeNull();
    // A date alone is that day's version: it moved at midnight on 09-20, so 09-20 is 1.1.0's day, 09-19 1.0.0's.
    expect(aliasAt(champion, '2026-09-19')).toBe('1.0.0');
    expect(aliasAt(champion, '2026-09-20')).toBe('1.1.0');
    expect(aliasAt(champion, '2026-10-02')).toBeNull();
    expect(aliasAt(champion, '2026-10-02T00:00:00Z')).toBeNull();
    expect(aliasAt(champion, '2026-10-01T23:59:59Z')).toBe('1.1.0');
    // Live from 08:03 that day: the day's version, though not the version at its midnight.
    const morning = [{ version: '2.0.0', from: '2026-11-05T08:03:00Z', actor: 'ci', action: 'promote' }];
    expect(aliasAt(morning, '2026-11-05')).toBe('2.0.0');
    expect(aliasAt(morning, '2026-11-05T00:00:00Z')).toBeNull();
    expect(() => aliasAt(champion, 'yesterday')).toThrow('--at: "yesterday" is not a time');
    expect(aliasTimeline(r, events, 'dev').map((p) => p.version)).toEqual(['1.0.0']);
    expect(aliasTimeline(r, events, 'prod').map((p) => p.from)).toEqual(['2026-09-03T00:00:00Z']);
    // A measurement of the live version (production to production) moves nothing.
    const measured = [...events, ev('2026-09-06T00:00:00Z', 'measure', '1.0.0', { stand: 'dev', from: 'production', to: 'production' })];
    expect(aliasTimeline(r, measured, 'dev').map((p) => p.version)).toEqual(['1.0.0']);
    // A misspelt alias is an error, not "no version then".
    expect(() => aliasTimeline(r, events, 'champoin')).toThrow(InputError);
    expect(() => aliasTimeline(r, events, 'champoin')).toThrow(/no alias champoin, now or in its history \(aliases and stands: .*dev/);
  });
});
