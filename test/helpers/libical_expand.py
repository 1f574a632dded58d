"""Reads an iCalendar file with libical (ICalGLib 3.0 through GObject introspection) and prints,
as JSON, what libical understood: every VEVENT's fields, every series expanded with libical's
recurrence iterator (EXDATE removed, RECURRENCE-ID overrides put in place), and libical's parse
errors (X-LIC-ERROR). Used by test/clients/libical.test.ts.

usage: python3 libical_expand.py FILE RANGE_START RANGE_END   (UTC, e.g. 20270101T000000Z)
"""
import json
import sys

import gi

gi.require_version('ICalGLib', '3.0')
from gi.repository import ICalGLib as I  # noqa: E402

VEVENT = I.ComponentKind.VEVENT_COMPONENT


def text(value):
    return None if value is None else str(value)


def date_of(t):
    return '%04d-%02d-%02d' % (t.get_year(), t.get_month(), t.get_day())


def instant(t, zone):
    return I.Time.as_timet_with_zone(t, zone)


def errors_in(component, found):
    prop = component.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        found.append(prop.as_ical_string().strip())
        prop = component.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(I.ComponentKind.ANY_COMPONENT)
    while child is not None:
        errors_in(child, found)
        child = component.get_next_component(I.ComponentKind.ANY_COMPONENT)


def main():
    path, range_start, range_end = sys.argv[1:4]
    with open(path, encoding='utf-8') as f:
        calendar = I.Component.new_from_string(f.read())
    end_limit = instant(I.Time.new_from_string(range_end), I.Timezone.get_utc_timezone())

    events = []
    c = calendar.get_first_component(VEVENT)
    while c is not None:
        events.append(c)
        c = calendar.get_next_component(VEVENT)

    def fields(c):
        start, end = c.get_dtstart(), c.get_dtend()
        all_day = start.is_date()
        out = {
            'uid': c.get_uid(),
            'title': text(c.get_summary()),
            'description': text(c.get_description()),
            'location': text(c.get_location()),
            'status': c.get_status().value_nick.upper().replace('-', ''),
            'allDay': all_day,
        }
        if all_day:
            out['start'], out['end'] = date_of(start), date_of(end)
        else:
            out['start'], out['end'] = instant(start, start.get_timezone()), instant(end, end.get_timezone())
        return out

    vevents = []
    overrides = {}
    for c in events:
        f = fields(c)
        rid = c.get_recurrenceid()
        if not rid.is_null_time():
            f['recurrenceId'] = rid.as_ical_string()
            overrides.setdefault(c.get_uid(), {})[rid.as_ical_string()] = f
        vevents.append(f)

    occurrences = []
    for c in events:
        if not c.get_recurrenceid().is_null_time():
            continue
        rrule = c.get_first_property(I.PropertyKind.RRULE_PROPERTY)
        master = fields(c)
        if rrule is None:
            occurrences.append(master)
            continue
        start = c.get_dtstart()
        zone = start.get_timezone()
        exdates = set()
        prop = c.get_first_property(I.PropertyKind.EXDATE_PROPERTY)
        while prop is not None:
            exdates.add(prop.get_exdate().as_ical_string())
            prop = c.get_next_property(I.PropertyKind.EXDATE_PROPERTY)
        if master['allDay']:
            length_days = round((instant(c.get_dtend(), None) - instant(start, None)) / 86400)
        else:
            length = master['end'] - master['start']
        iterator = I.RecurIterator.new(rrule.get_rrule(), start)
        for _ in range(5000):
            t = iterator.next()
            if t is None or t.is_null_time():
                break
            key = t.as_ical_string()
            if master['allDay']:
                at = instant(t, None)
                if at > end_limit:
                    break
            else:
                at = instant(t, zone)
                if at > end_limit:
                    break
            if key in exdates:
                continue
            override = overrides.get(c.get_uid(), {}).get(key)
            if override is not None:
                occurrences.append(override)
                continue
            o = dict(master)
            if master['allDay']:
                o['start'] = date_of(t)
                last = I.Time.new_from_timet_with_zone(at + length_days * 86400, 1, None)
                o['end'] = date_of(last)
            else:
                o['start'], o['end'] = at, at + length
            occurrences.append(o)

    found = []
    errors_in(calendar, found)
    json.dump({'vevents': vevents, 'occurrences': occurrences, 'errors': found}, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
