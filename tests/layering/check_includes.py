#!/usr/bin/env python3
"""Fails when a file under src/kairos/<part>/ includes a part its layer may not see.

The order (docs/architecture.md, "Layers"): each part may include itself and the parts
listed for it, nothing else. Tests beside the code (*_test.cpp) may include what their
part may include. Each violation is printed as file:line, and the run fails.

Usage: check_includes.py <source root>   (the directory holding src/)
"""
import pathlib
import re
import sys

# part -> the other parts it may include.
ALLOWED = {
    "core": set(),
    "store": {"core"},
    "auth": {"core", "store"},
    "booking": {"core", "store", "auth"},
    "service": {"core", "store", "auth", "booking"},
    "http": {"core"},
    "api": {"http", "service", "booking", "auth", "core"},
    "pages": {"http", "service", "booking", "auth", "core"},
    "app": {"core", "store", "auth", "booking", "service", "http", "api", "pages"},
}

# Today's known violations, as "path:included part". Each later change shrinks this list;
# an entry that no longer occurs is itself an error, so the list cannot go stale.
KNOWN = set()

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]kairos/([A-Za-z0-9_]+)/')
SOURCE_SUFFIXES = {".hpp", ".cpp", ".h", ".cc", ".ipp"}


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    src = root / "src" / "kairos"
    if not src.is_dir():
        print(f"check_includes: no {src}", file=sys.stderr)
        return 2
    violations = []
    seen_known = set()
    checked = 0
    for path in sorted(src.rglob("*")):
        if not path.is_file() or path.suffix not in SOURCE_SUFFIXES:
            continue
        part = path.relative_to(src).parts[0]
        rel = path.relative_to(root).as_posix()
        if part not in ALLOWED:
            violations.append(f"{rel}:1: part '{part}' is not in the layer table")
            continue
        checked += 1
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if target == part or target in ALLOWED[part]:
                continue
            key = f"{rel}:{target}"
            if key in KNOWN:
                seen_known.add(key)
                continue
            violations.append(f"{rel}:{number}: '{part}' may not include '{target}': {line.strip()}")
    for key in sorted(KNOWN - seen_known):
        if root != PROJECT_ROOT:
            continue  # another tree (the test's fixture): the list describes this one
        violations.append(f"{key}: listed as a known violation but no longer occurs; remove it from KNOWN")
    for v in violations:
        print(v)
    if checked == 0:
        print("check_includes: no source files found", file=sys.stderr)
        return 2
    if violations:
        print(f"check_includes: {len(violations)} include(s) against the layer order")
        return 1
    print(f"check_includes: {checked} files, includes point down"
          + (f" ({len(KNOWN)} known violations left)" if KNOWN else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
