#!/usr/bin/python3
"""Independent time-zone oracle for time_test: Python's zoneinfo over the system zoneinfo.

Usage: zone_oracle.py SEED RANDOM_ZONES FIRST_YEAR LAST_YEAR [ZONE ...]

Checks the named zones plus RANDOM_ZONES others drawn (with SEED) from the system
zoneinfo, over the local years FIRST_YEAR..LAST_YEAR inclusive. zoneinfo reads the POSIX
TZ rule in each file's footer, so it knows the transitions after the file's explicit
ones end (2037). Writes one case per line, instants as Unix seconds:

    A NAME                  a zone the system zoneinfo has (every one, not only those checked)
    L ZONE LOCAL UTC WHY    the wall clock LOCAL (YYYY-MM-DDTHH:MM:SS) in ZONE is the
                            instant UTC; WHY is "gap", "repeat", "edge" or "random"
    O ZONE UTC OFFSET       at the instant UTC, ZONE is OFFSET seconds ahead of UTC
    D ZONE DATE SECONDS     the local day DATE in ZONE lasts SECONDS (only days that are
                            not 86400 seconds long; every such day of the years is listed)
    N ZONE COUNT            ZONE changes its UTC offset COUNT times in the years

RFC 5545 (and Kairos) read a local time in a gap with the offset in force before the
transition (it moves forward by the gap), and a repeated local time as its first
occurrence: both are zoneinfo's fold=0, which this script checks against the offsets
around every transition before writing the case.
"""
import random
import sys
import zoneinfo
from datetime import date, datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1)
DAY = 86400


def system_zones():
    # zoneinfo's own list of the TZif files under its search path (it leaves out right/,
    # posix/ and posixrules). "localtime" is the host's /etc/localtime, not a zone name.
    return sorted(n for n in zoneinfo.available_timezones() if n != "localtime")


def offset_at(zone, t):
    return int(datetime.fromtimestamp(t, tz=zone).utcoffset().total_seconds())


def utc_of_local(zone, local):
    """The instant zoneinfo gives the naive `local` with fold=0."""
    aware = local.replace(tzinfo=zone, fold=0)
    return int((local - EPOCH).total_seconds()) - int(aware.utcoffset().total_seconds())


def iso(local):
    return local.strftime("%Y-%m-%dT%H:%M:%S")


def local_of(t, offset):
    return EPOCH + timedelta(seconds=t + offset)


def transitions(zone, start, end):
    """(instant, offset before, offset after) of every offset change in [start, end)."""
    found = []
    step = DAY  # no zone changes its offset twice in a day in these years
    t = start
    before = offset_at(zone, t - 1)
    while t < end:
        nxt = min(t + step, end)
        after = offset_at(zone, nxt - 1)
        if after != before:
            lo, hi = t, nxt - 1  # the offset changes at some instant in (lo-1, hi]
            while lo < hi:
                mid = (lo + hi) // 2
                if offset_at(zone, mid) == before:
                    lo = mid + 1
                else:
                    hi = mid
            found.append((lo, before, offset_at(zone, lo)))
            before = offset_at(zone, lo)
            continue  # rescan from the transition: a second change may follow in the step
        t = nxt
        before = after
    return found


def main():
    seed, random_zones, first_year, last_year = (int(a) for a in sys.argv[1:5])
    named = sys.argv[5:]
    rng = random.Random(seed)
    everything = system_zones()
    for name in everything:
        print("A", name)
    others = [n for n in everything if n not in named]
    zones = named + sorted(rng.sample(others, random_zones))

    lo_local = datetime(first_year, 1, 1)
    hi_local = datetime(last_year + 1, 1, 1)
    # Instants whose wall clock can fall in the years, whatever the offset (< 26 hours).
    start = int((lo_local - EPOCH).total_seconds()) - 2 * DAY
    end = int((hi_local - EPOCH).total_seconds()) + 2 * DAY

    for name in zones:
        zone = zoneinfo.ZoneInfo(name)
        changes = transitions(zone, start, end)
        in_years = [c for c in changes if lo_local <= local_of(c[0], c[1]) < hi_local]
        print("N", name, len(in_years))
        day_lengths = {}
        for t, before, after in in_years:
            print("O", name, t - 1, before)
            print("O", name, t, after)
            print("O", name, t + 3600, offset_at(zone, t + 3600))
            first = local_of(t, min(before, after))  # first wall-clock second in the gap or repeat
            last = local_of(t, max(before, after)) - timedelta(seconds=1)
            kind = "gap" if after > before else "repeat"
            width = abs(after - before)
            locals_ = [
                (first - timedelta(seconds=1), "edge"),
                (first, kind),
                (first + timedelta(seconds=width // 2), kind),
                (last, kind),
                (last + timedelta(seconds=1), "edge"),
                (first - timedelta(hours=1), "edge"),
                (last + timedelta(hours=1), "edge"),
            ]
            for local, why in locals_:
                utc = utc_of_local(zone, local)
                epoch_local = int((local - EPOCH).total_seconds())
                if why != "edge":
                    # Inside the gap or repeat: fold=0 must mean the offset before the
                    # transition (gap: moved forward; repeat: the first occurrence).
                    assert utc == epoch_local - before, (name, iso(local), why)
                print("L", name, iso(local), utc, why)
            for t_day in (local_of(t, before).date(), local_of(t, after).date()):
                day_lengths.setdefault(t_day, None)
        for day in sorted(day_lengths):
            if not (first_year <= day.year <= last_year):
                continue
            midnight = datetime(day.year, day.month, day.day)
            begin = utc_of_local(zone, midnight)
            finish = utc_of_local(zone, midnight + timedelta(days=1))
            if finish - begin != DAY:
                print("D", name, day.isoformat(), finish - begin)
        span = int((hi_local - lo_local).total_seconds())
        for _ in range(200):
            local = lo_local + timedelta(seconds=rng.randrange(span))
            print("L", name, iso(local), utc_of_local(zone, local), "random")
            t = int((lo_local - EPOCH).total_seconds()) + rng.randrange(span)
            print("O", name, t, offset_at(zone, t))


if __name__ == "__main__":
    main()
