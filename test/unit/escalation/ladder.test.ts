/**
 * The escalation ladder on the real 2026 calendar: weekends, Tết (off Sat 14/2 – Sun 22/2), the
 * Quốc khánh break (off Sat 29/8 – Wed 2/9) and the make-up Saturday 22/8/2026.
 */
import { describe, expect, it } from 'vitest';
import { addDays, toVnIso, WorkingCalendar } from '../../../shared/calendar/index.ts';
import {
  DEFAULT_ESCALATION_LADDER,
  type EscalationLadder,
  escalationLadderSchema,
  ladderFrom,
  lateness,
  rungsFor,
  scanHorizon,
  thresholdFor,
} from '../../../shared/sla/ladder.ts';

const calendar = new WorkingCalendar();
const at = (iso: string) => new Date(iso);
const thresholds = (dueAt: string, ladder: EscalationLadder = DEFAULT_ESCALATION_LADDER) =>
  rungsFor(ladder, calendar, dueAt).map((r) => toVnIso(r.threshold));

describe('default ladder thresholds', () => {
  it('a deadline on the last working day before Tết: +3 and +5 working days land after Tết', () => {
    expect(thresholds('2026-02-13T17:00:00+07:00')).toEqual([
      '2026-02-12T17:00:00+07:00', // reminder: Thursday before
      '2026-02-13T17:00:00+07:00', // at due
      '2026-02-25T17:00:00+07:00', // Mon 23, Tue 24, Wed 25
      '2026-02-27T17:00:00+07:00',
    ]);
  });

  it('a deadline on the first working day after Tết is reminded before Tết, not during it', () => {
    expect(thresholds('2026-02-23T17:00:00+07:00')[0]).toBe('2026-02-13T17:00:00+07:00');
  });

  it('a reminder over a weekend falls on the Friday', () => {
    expect(thresholds('2026-03-09T17:00:00+07:00')[0]).toBe('2026-03-06T17:00:00+07:00');
  });

  it('counts the make-up Saturday 22/8/2026 as a working day and skips 31/8 – 2/9', () => {
    expect(thresholds('2026-08-21T17:00:00+07:00')).toEqual([
      '2026-08-20T17:00:00+07:00',
      '2026-08-21T17:00:00+07:00',
      '2026-08-25T17:00:00+07:00', // Sat 22, Mon 24, Tue 25
      '2026-08-27T17:00:00+07:00',
    ]);
    expect(thresholds('2026-08-24T17:00:00+07:00')[0]).toBe('2026-08-22T17:00:00+07:00'); // the make-up Saturday
    expect(thresholds('2026-08-28T17:00:00+07:00').slice(2)).toEqual([
      '2026-09-07T17:00:00+07:00', // Thu 3, Fri 4, Mon 7
      '2026-09-09T17:00:00+07:00',
    ]);
  });

  it('keeps the time of day of a deadline counted in working hours', () => {
    expect(thresholds('2026-03-10T10:30:00+07:00')).toEqual([
      '2026-03-09T10:30:00+07:00',
      '2026-03-10T10:30:00+07:00',
      '2026-03-13T10:30:00+07:00',
      '2026-03-17T10:30:00+07:00',
    ]);
  });

  it('counts working-hour offsets inside working periods, before and after', () => {
    const due = '2026-02-23T08:30:00+07:00'; // one working hour into the first day after Tết
    expect(toVnIso(thresholdFor(calendar, due, { amount: -2, unit: 'working_hours' }))).toBe(
      '2026-02-13T16:00:00+07:00',
    );
    expect(toVnIso(thresholdFor(calendar, due, { amount: -0.5, unit: 'working_hours' }))).toBe(
      '2026-02-23T08:00:00+07:00',
    );
    expect(toVnIso(thresholdFor(calendar, due, { amount: 4, unit: 'working_hours' }))).toBe(
      '2026-02-23T14:30:00+07:00', // 08:30–11:30, then one hour after the lunch break
    );
  });

  it('never fires anything over Tết that had not fired by the close of the last working day', () => {
    // For every deadline around Tết, the levels passed at Fri 13/2 17:00 are exactly those passed
    // at any moment of the holiday: the ladder waits as the agencies do.
    const holiday = ['2026-02-14T09:00:00+07:00', '2026-02-18T12:00:00+07:00', '2026-02-22T23:59:59+07:00'];
    for (let day = '2026-02-02'; day <= '2026-03-13'; day = addDays(day, 1)) {
      if (!calendar.isWorkingDay(day)) continue;
      for (const time of ['08:30', '14:00', '17:00']) {
        const dueAt = `${day}T${time}:00+07:00`;
        const passedBy = (now: string) =>
          rungsFor(DEFAULT_ESCALATION_LADDER, calendar, dueAt)
            .filter((r) => r.threshold.getTime() <= Date.parse(now))
            .map((r) => r.level);
        const before = passedBy('2026-02-13T17:00:00+07:00');
        for (const now of holiday) expect(passedBy(now), `${dueAt} at ${now}`).toEqual(before);
      }
    }
  });

  it('puts every working-day threshold on a working day, at the deadline’s time of day', () => {
    for (let day = '2026-01-05'; day <= '2026-12-31'; day = addDays(day, 1)) {
      if (!calendar.isWorkingDay(day)) continue;
      for (const r of rungsFor(DEFAULT_ESCALATION_LADDER, calendar, `${day}T17:00:00+07:00`)) {
        const iso = toVnIso(r.threshold);
        expect(calendar.isWorkingDay(iso.slice(0, 10)), `${day} level ${r.level}: ${iso}`).toBe(true);
        expect(iso.slice(11, 16)).toBe('17:00');
      }
    }
  });
});

describe('scan horizon', () => {
  it('reaches to the end of the next working day (the reminder’s lead), across Tết', () => {
    expect(toVnIso(scanHorizon(DEFAULT_ESCALATION_LADDER, calendar, at('2026-02-13T17:15:00+07:00')))).toBe(
      '2026-02-23T23:59:59+07:00',
    );
    expect(toVnIso(scanHorizon(DEFAULT_ESCALATION_LADDER, calendar, at('2026-08-21T09:00:00+07:00')))).toBe(
      '2026-08-22T23:59:59+07:00',
    );
  });

  it('covers every deadline whose reminder has passed', () => {
    const now = at('2026-02-13T17:15:00+07:00');
    const horizon = scanHorizon(DEFAULT_ESCALATION_LADDER, calendar, now).getTime();
    for (let day = '2026-02-13'; day <= '2026-03-06'; day = addDays(day, 1)) {
      const dueAt = `${day}T17:00:00+07:00`;
      const [reminder] = rungsFor(DEFAULT_ESCALATION_LADDER, calendar, dueAt);
      if (reminder && reminder.threshold.getTime() <= now.getTime())
        expect(Date.parse(dueAt)).toBeLessThanOrEqual(horizon);
    }
  });

  it('is now itself for a ladder that starts at the deadline', () => {
    const ladder: EscalationLadder = {
      ...DEFAULT_ESCALATION_LADDER,
      levels: DEFAULT_ESCALATION_LADDER.levels.slice(1),
    };
    const now = at('2026-03-10T09:00:00+07:00');
    expect(scanHorizon(ladder, calendar, now)).toEqual(now);
  });

  it('follows a working-hours reminder', () => {
    const ladder = escalationLadderSchema.parse({
      ...DEFAULT_ESCALATION_LADDER,
      levels: [{ key: 'nhac', label: 'Nhắc', at: { amount: -4, unit: 'working_hours' }, notify: ['agency_focal'] }],
    });
    // Fri 16:00 + 4 working hours = Mon 10:30 → read to the end of Monday.
    expect(toVnIso(scanHorizon(ladder, calendar, at('2026-03-06T16:00:00+07:00')))).toBe('2026-03-09T23:59:59+07:00');
  });
});

describe('ladder as data', () => {
  it('the default passes its own schema', () => {
    expect(escalationLadderSchema.parse(DEFAULT_ESCALATION_LADDER)).toEqual(DEFAULT_ESCALATION_LADDER);
  });

  it('refuses levels out of order, duplicate keys, fractional working days and unknown recipients', () => {
    const level = DEFAULT_ESCALATION_LADDER.levels[1]!;
    const bad = (levels: unknown[]) =>
      escalationLadderSchema.safeParse({ ...DEFAULT_ESCALATION_LADDER, levels }).success;
    expect(
      bad([
        { ...level, at: { amount: 3, unit: 'working_days' } },
        { ...level, key: 'x' },
      ]),
    ).toBe(false);
    expect(bad([level, { ...level, at: { amount: 1, unit: 'working_days' } }])).toBe(false);
    expect(bad([{ ...level, at: { amount: 1.5, unit: 'working_days' } }])).toBe(false);
    expect(bad([{ ...level, notify: ['giam_doc'] }])).toBe(false);
    expect(bad([])).toBe(false);
  });

  it('falls back to the default for a missing or invalid stored ladder, and says which', () => {
    expect(ladderFrom(undefined).source).toBe('default');
    expect(ladderFrom({ levels: 'x' })).toEqual({ ladder: DEFAULT_ESCALATION_LADDER, source: 'invalid' });
    const stored = { ...DEFAULT_ESCALATION_LADDER, version: '2026-07' };
    expect(ladderFrom(stored)).toEqual({ ladder: stored, source: 'stored' });
  });
});

describe('lateness', () => {
  it('counts whole working days after the due day, over Tết', () => {
    expect(lateness(calendar, '2026-02-13T17:00:00+07:00', at('2026-02-25T17:00:00+07:00'))).toEqual({
      overdue: true,
      workingDays: 3,
      workingHours: 22.5,
    });
  });

  it('is not overdue at the deadline itself, and counts hours before it', () => {
    expect(lateness(calendar, '2026-03-10T17:00:00+07:00', at('2026-03-10T17:00:00+07:00'))).toMatchObject({
      overdue: false,
      workingDays: 0,
    });
    expect(lateness(calendar, '2026-03-10T17:00:00+07:00', at('2026-03-10T15:00:00+07:00')).workingHours).toBe(-2);
  });
});
