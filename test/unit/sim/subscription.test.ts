import { describe, expect, test } from 'vitest';
import { EslEvent } from '../../../src/sim/eslEvent.js';
import { EventFilters } from '../../../src/sim/eventFilters.js';
import { Subscription } from '../../../src/sim/subscription.js';

const custom = (subclass?: string): EslEvent => new EslEvent('CUSTOM', subclass);

describe('event token rules (reference §1.6)', () => {
  test('the format word counts only as the first token', () => {
    const subscription = new Subscription();
    expect(subscription.subscribe(['CHANNEL_CREATE', 'json'])).toBe('+OK event listener enabled plain');
    expect(subscription.format).toBe('plain');
    expect(subscription.subscribe(['xml', 'CHANNEL_ANSWER'])).toBe('+OK event listener enabled xml');
  });

  test('everything after CUSTOM is a subclass, even event names', () => {
    const subscription = new Subscription();
    subscription.subscribe(['plain', 'CUSTOM', 'spandsp::rxfaxresult', 'BACKGROUND_JOB']);
    expect(subscription.wants(new EslEvent('BACKGROUND_JOB'))).toBe(false);
    expect(subscription.wants(custom('spandsp::rxfaxresult'))).toBe(true);
    expect(subscription.wants(custom('spandsp::txfaxresult'))).toBe(false);
  });

  test('bare CUSTOM only delivers custom events without a subclass; ALL delivers every one', () => {
    const bare = new Subscription();
    bare.subscribe(['CUSTOM']);
    expect(bare.wants(custom('x::y'))).toBe(false);
    expect(bare.wants(custom())).toBe(true);
    const all = new Subscription();
    all.subscribe(['ALL']);
    expect(all.wants(custom('spandsp::txfaxresult'))).toBe(true);
  });

  test('unknown names only → -ERR no keywords supplied; nixevent after ALL expands first', () => {
    const subscription = new Subscription();
    expect(subscription.subscribe(['plain', 'NOT_AN_EVENT'])).toBe('-ERR no keywords supplied');
    subscription.subscribe(['ALL']);
    expect(subscription.unsubscribe(['CHANNEL_CREATE'])).toBe('+OK events nixed');
    expect(subscription.wants(new EslEvent('CHANNEL_CREATE'))).toBe(false);
    expect(subscription.wants(new EslEvent('CHANNEL_ANSWER'))).toBe(true);
    expect(subscription.wants(custom('spandsp::txfaxresult'))).toBe(false);
  });
});

describe('filters (reference §1.6)', () => {
  test('drop events lacking every filtered header; regex and negative filters apply', () => {
    const filters = new EventFilters();
    filters.add('Unique-ID', 'abc');
    expect(filters.passes(new EslEvent('BACKGROUND_JOB').add('Job-UUID', 'j'))).toBe(false);
    expect(filters.passes(new EslEvent('X').add('Unique-ID', 'ABC'))).toBe(true);
    filters.add('Job-UUID', 'j');
    expect(filters.passes(new EslEvent('BACKGROUND_JOB').add('Job-UUID', 'j'))).toBe(true);
    expect(filters.routeKeys()).toEqual(['abc', 'j']);
    filters.add('Event-Name', '-/^CHANNEL_STATE$/');
    expect(filters.passes(new EslEvent('X').add('Event-Name', 'CHANNEL_STATE').add('Unique-ID', 'abc'))).toBe(false);
    expect(filters.routeKeys()).toBeUndefined();
  });
});
