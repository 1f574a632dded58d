import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeRule } from '../../../src/core/recurrence/describe.ts';
import { previewDates } from '../../../src/core/recurrence/preview.ts';

// The words people read on cards and pages for a series, and the form's preview dates.

const tuesday = { start: '2027-03-02T19:00:00', timezone: 'America/New_York', locale: 'en-US' };
const say = (rrule: string, ctx: Partial<typeof tuesday> = {}) => describeRule(rrule, { ...tuesday, ...ctx });

describe('describeRule', () => {
  it('says weekly series the way people do', () => {
    assert.equal(say('FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601'), 'Every Tuesday until June 1');
    assert.equal(say('FREQ=WEEKLY;COUNT=10;BYDAY=TU'), 'Every Tuesday, 10 times');
    assert.equal(say('FREQ=WEEKLY;COUNT=10'), 'Every Tuesday, 10 times', 'no BYDAY: the start’s weekday');
    assert.equal(say('FREQ=WEEKLY;INTERVAL=2;COUNT=5;BYDAY=TU,TH'), 'Every 2 weeks on Tuesday and Thursday, 5 times');
    assert.equal(say('FREQ=WEEKLY;COUNT=20;BYDAY=MO,TU,WE,TH,FR'), 'Every weekday, 20 times');
    assert.equal(say('FREQ=WEEKLY;COUNT=9;BYDAY=FR,MO,WE'), 'Every Monday, Wednesday and Friday, 9 times');
  });

  it('says daily, monthly and yearly series', () => {
    assert.equal(say('FREQ=DAILY;COUNT=1'), 'Every day, once');
    assert.equal(say('FREQ=DAILY;INTERVAL=3;COUNT=4'), 'Every 3 days, 4 times');
    assert.equal(say('FREQ=MONTHLY;COUNT=6;BYDAY=1TU'), 'Every month on the first Tuesday, 6 times');
    assert.equal(say('FREQ=MONTHLY;COUNT=6;BYDAY=-1FR'), 'Every month on the last Friday, 6 times');
    assert.equal(say('FREQ=MONTHLY;COUNT=6'), 'Every month on the 2nd, 6 times');
    assert.equal(say('FREQ=MONTHLY;COUNT=6;BYMONTHDAY=21,-1'), 'Every month on the 21st and last day, 6 times');
    assert.equal(say('FREQ=YEARLY;COUNT=3'), 'Every year on March 2, 3 times');
    assert.equal(say('FREQ=YEARLY;COUNT=3;BYMONTH=11;BYDAY=4TH'), 'Every year on the fourth Thursday of November, 3 times');
  });

  it('gives the year of the end only when it is not the start’s, and reads a UTC UNTIL in the series’ zone', () => {
    assert.equal(say('FREQ=WEEKLY;BYDAY=TU;UNTIL=20280111'), 'Every Tuesday until January 11, 2028');
    // 03:59:59 UTC on June 2 is still June 1 in New York.
    assert.equal(say('FREQ=WEEKLY;BYDAY=TU;UNTIL=20270602T035959Z'), 'Every Tuesday until June 1');
    assert.equal(say('FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601', { locale: 'en-GB' }), 'Every Tuesday until 1 June');
  });

  it('is honest about patterns it cannot say, and null for text that is no rule', () => {
    assert.equal(say('FREQ=MONTHLY;COUNT=4;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1'), 'Repeats monthly (custom pattern), 4 times');
    assert.equal(say('FREQ=SOMETIMES'), null);
  });
});

describe('previewDates', () => {
  it('lists the first dates of the rule from the start, stopping at COUNT and UNTIL', () => {
    assert.deepEqual(previewDates('FREQ=WEEKLY;BYDAY=TU;COUNT=3', '2027-03-02'), ['2027-03-02', '2027-03-09', '2027-03-16']);
    assert.deepEqual(previewDates('FREQ=WEEKLY;BYDAY=TU;UNTIL=20270310', '2027-03-02'), ['2027-03-02', '2027-03-09']);
    assert.deepEqual(previewDates('FREQ=MONTHLY;BYDAY=-1FR;COUNT=10', '2027-01-29', 3), ['2027-01-29', '2027-02-26', '2027-03-26']);
    assert.deepEqual(previewDates('FREQ=NEVER', '2027-03-02'), []);
  });
});
