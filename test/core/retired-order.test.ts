import { newestRetiredFirst } from '../../src/core/retired-order';
import { version } from '../helpers/records';

describe('newestRetiredFirst', () => {
  it('orders by retiredAt, newest first, and leaves out every other stage', () => {
    const order = newestRetiredFirst([
      version('1.0.0', 'retired', { retiredAt: '2026-11-01T00:00:03Z' }),
      version('1.1.0', 'retired', { retiredAt: '2026-11-01T00:00:01Z' }),
      version('1.2.0', 'retired', { retiredAt: '2026-11-01T00:00:02Z' }),
      version('1.3.0', 'production'),
    ]).map((v) => v.version);
    expect(order).toEqual(['1.0.0', '1.2.0', '1.1.0']);
  });

  it('versions retired in the same second: the higher version first, not the record\'s oldest-first order', () => {
    const at = '2026-11-01T00:00:00Z';
    const order = newestRetiredFirst([
      version('1.0.0', 'retired', { retiredAt: at }),
      version('1.10.0', 'retired', { retiredAt: at }),
      version('1.2.0', 'retired', { retiredAt: at }),
    ]).map((v) => v.version);
    expect(order).toEqual(['1.10.0', '1.2.0', '1.0.0']);
  });
});
