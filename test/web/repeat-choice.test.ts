import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { choiceFromRule, monthlyOptions, NO_REPEAT, ruleFromChoice } from '../../src/web/pages/repeat-choice.ts';

// The organizer form's Repeats choices and the rules they send, both ways (pure; no browser).

const TUESDAY = '2027-03-02'; // the first Tuesday of March
const LAST_FRIDAY = '2027-01-29';

describe('repeat choices', () => {
  it('turns the choices into rules', () => {
    assert.equal(ruleFromChoice(NO_REPEAT, TUESDAY), null);
    assert.equal(ruleFromChoice({ ...NO_REPEAT, kind: 'weekly' }, TUESDAY), 'FREQ=WEEKLY;COUNT=10;BYDAY=TU', 'no days ticked: the start’s day');
    assert.equal(ruleFromChoice({ ...NO_REPEAT, kind: 'weekly', weekdays: [4, 2, 0], end: 'until', until: '2027-06-01' }, TUESDAY), 'FREQ=WEEKLY;UNTIL=20270601;BYDAY=TU,TH,SU');
    assert.equal(ruleFromChoice({ ...NO_REPEAT, kind: 'monthly', monthly: 'nth', count: 6 }, TUESDAY), 'FREQ=MONTHLY;COUNT=6;BYDAY=1TU');
    assert.equal(ruleFromChoice({ ...NO_REPEAT, kind: 'monthly', monthly: 'last', count: 6 }, LAST_FRIDAY), 'FREQ=MONTHLY;COUNT=6;BYDAY=-1FR');
    assert.equal(ruleFromChoice({ ...NO_REPEAT, kind: 'monthly', count: 6 }, TUESDAY), 'FREQ=MONTHLY;COUNT=6;BYMONTHDAY=2');
    assert.equal(ruleFromChoice({ ...NO_REPEAT, kind: 'custom', custom: 'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4' }, TUESDAY), 'FREQ=WEEKLY;INTERVAL=2;COUNT=4');
  });

  it('offers the monthly choices the start date allows', () => {
    assert.deepEqual(monthlyOptions(TUESDAY).map((o) => o.label), ['on day 2', 'on the first Tuesday']);
    assert.deepEqual(monthlyOptions(LAST_FRIDAY).map((o) => o.label), ['on day 29', 'on the last Friday']);
    assert.deepEqual(monthlyOptions('2027-03-23').map((o) => o.label), ['on day 23', 'on the fourth Tuesday']);
  });

  it('shows a stored rule as the choices that give it back, and anything else as a custom rule', () => {
    for (const [rule, start] of [
      ['FREQ=WEEKLY;COUNT=10;BYDAY=TU', TUESDAY],
      ['FREQ=WEEKLY;UNTIL=20270601;BYDAY=TU,TH', TUESDAY],
      ['FREQ=MONTHLY;COUNT=6;BYDAY=1TU', TUESDAY],
      ['FREQ=MONTHLY;COUNT=6;BYDAY=-1FR', LAST_FRIDAY],
      ['FREQ=DAILY;COUNT=3', TUESDAY],
      ['FREQ=YEARLY;COUNT=3', TUESDAY],
    ] as const) {
      const choice = choiceFromRule(rule, start);
      assert.notEqual(choice.kind, 'custom', rule);
      assert.equal(ruleFromChoice(choice, start), rule);
    }
    assert.equal(choiceFromRule('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU', TUESDAY).kind, 'custom');
    assert.equal(choiceFromRule('FREQ=WEEKLY;UNTIL=20270602T035959Z;BYDAY=TU', TUESDAY).custom, 'FREQ=WEEKLY;UNTIL=20270602T035959Z;BYDAY=TU');
    assert.equal(choiceFromRule(null, TUESDAY).kind, 'none');
  });
});
