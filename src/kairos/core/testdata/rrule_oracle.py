#!/usr/bin/python3
"""Independent RRULE oracle for recurrence_test: expands rules with python-dateutil.

Reads cases from the file named by argv[1], one per line:
    DTSTART RRULE WINDOW_START WINDOW_END
(floating local times as YYYYMMDDTHHMMSS). Writes one line per case: the occurrences in
[WINDOW_START, WINDOW_END), space-separated in the same format (an empty line if none).
Blank lines and lines starting with '#' are skipped and produce no output.
"""
import sys
from datetime import datetime

from dateutil.rrule import rrulestr

FMT = "%Y%m%dT%H%M%S"


def main():
    with open(sys.argv[1]) as cases:
        for line in cases:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            dtstart, rule, start, end = line.split()
            first = datetime.strptime(dtstart, FMT)
            window_start = datetime.strptime(start, FMT)
            window_end = datetime.strptime(end, FMT)
            out = []
            for occurrence in rrulestr(rule, dtstart=first):
                if occurrence >= window_end or len(out) > 10000:
                    break
                if occurrence >= window_start:
                    out.append(occurrence.strftime(FMT))
            print(" ".join(out))


if __name__ == "__main__":
    main()
