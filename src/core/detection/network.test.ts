import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOffHours, minutesInZone, networkOf } from './network.js';

describe('detection helpers', () => {
  it('groups addresses into networks', () => {
    assert.equal(networkOf('10.1.2.3'), '10.1.2.0/24');
    assert.equal(networkOf('::ffff:192.168.7.9'), '192.168.7.0/24');
    assert.equal(networkOf('2001:db8:abcd:12::1'), '2001:db8:abcd::/48');
    assert.equal(networkOf('2001:db8::1'), '2001:db8:0::/48');
    assert.equal(networkOf('::1'), '0:0:0::/48');
    assert.equal(networkOf(null), null);
  });
  it('knows local business hours across zones and midnight', () => {
    assert.equal(minutesInZone(new Date('2026-07-01T06:30:00Z'), 'Europe/London'), 7 * 60 + 30); // BST
    assert.equal(minutesInZone(new Date('2026-12-01T06:30:00Z'), 'Europe/London'), 6 * 60 + 30);
    const day = { start: 7 * 60, end: 20 * 60 };
    assert.equal(isOffHours(6 * 60 + 59, day), true);
    assert.equal(isOffHours(7 * 60, day), false);
    assert.equal(isOffHours(20 * 60, day), true);
    const night = { start: 22 * 60, end: 6 * 60 };
    assert.equal(isOffHours(23 * 60, night), false);
    assert.equal(isOffHours(12 * 60, night), true);
    assert.equal(isOffHours(3 * 60, { start: 0, end: 0 }), false, 'a 24-hour clinic has no off-hours');
  });
});
