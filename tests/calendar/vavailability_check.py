#!/usr/bin/python3
"""Reads a VAVAILABILITY export (a file) with python-icalendar and prints what it says.

JSON: {"weekly": [[BYDAY, start, end], ...], "dated": [[priority, start, end,
[[start, end], ...]], ...], "tzids": [...]} with local times as written
("20270330T071500"). Fails when a line ends without CRLF or is longer than 75 octets,
or a time lacks the TZID of a VTIMEZONE the file holds.
"""
import json
import sys

import icalendar


def local(component, name, tzids):
    prop = component[name]
    tzid = prop.params.get("TZID")
    if tzid is None or tzid not in tzids:
        raise SystemExit(f"{name} without a TZID of the file's VTIMEZONEs: {prop.to_ical()!r}")
    return prop.dt.strftime("%Y%m%dT%H%M%S")


def main():
    raw = open(sys.argv[1], "rb").read()
    if not raw.endswith(b"\r\n") or b"\n" in raw.replace(b"\r\n", b""):
        raise SystemExit("lines must end in CRLF")
    if any(len(line) > 75 for line in raw.split(b"\r\n")):
        raise SystemExit("a line is longer than 75 octets")
    cal = icalendar.Calendar.from_ical(raw)
    tzids = [str(z["TZID"]) for z in cal.subcomponents if z.name == "VTIMEZONE"]
    out = {"weekly": [], "dated": [], "tzids": tzids}
    for vav in cal.subcomponents:
        if vav.name == "VTIMEZONE":
            continue
        if vav.name != "VAVAILABILITY":
            raise SystemExit(f"unexpected component {vav.name}")
        spans = []
        for av in vav.subcomponents:
            if av.name != "AVAILABLE":
                raise SystemExit(f"unexpected component {av.name} in VAVAILABILITY")
            span = [local(av, "DTSTART", tzids), local(av, "DTEND", tzids)]
            if "RRULE" in av:
                rule = av["RRULE"]
                if rule.get("FREQ") != ["WEEKLY"]:
                    raise SystemExit(f"unexpected RRULE {rule.to_ical()!r}")
                out["weekly"].append([",".join(rule["BYDAY"])] + span)
            else:
                spans.append(span)
        if "PRIORITY" in vav:
            out["dated"].append([int(vav["PRIORITY"]), local(vav, "DTSTART", tzids), local(vav, "DTEND", tzids),
                                 spans])
        elif spans:
            raise SystemExit("the weekly VAVAILABILITY holds an AVAILABLE without RRULE")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
