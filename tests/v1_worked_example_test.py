#!/usr/bin/env python3
"""Runs the worked example of docs/api.md verbatim against a real server.

Usage: v1_worked_example_test.py <kairos binary> <docs/api.md>

The example is the ```sh block under "## Worked example". Each "# expect NNN" line names
the status of the next curl command; curl is wrapped so that it also writes each status
to stderr, and the statuses must match the expectations in order.
"""
import os
import re
import subprocess
import sys
import tempfile
import time


def example(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    section = text.split("## Worked example", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    if not match:
        sys.exit("no ```sh block under '## Worked example'")
    block = match.group(1)
    expected = [int(m) for m in re.findall(r"^# expect (\d{3})$", block, re.M)]
    return block, expected


def main():
    binary, doc = sys.argv[1], sys.argv[2]
    block, expected = example(doc)
    if not expected:
        sys.exit("the worked example expects nothing")
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        env = dict(os.environ, KAIROS_ARGON2_OPSLIMIT="1", KAIROS_ARGON2_MEMLIMIT="65536")
        log = open(os.path.join(tmp, "server.log"), "w")
        server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--db", os.path.join(tmp, "k.db"),
                                   "--port-file", port_file], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            for _ in range(200):
                if os.path.exists(port_file) and open(port_file).read().strip():
                    break
                time.sleep(0.05)
            port = open(port_file).read().strip()
            script = ("set -eo pipefail\n"
                      "curl() { command curl -w '%{stderr}%{http_code}\\n' \"$@\"; }\n" + block)
            run = subprocess.run(["bash", "-c", script], env=dict(env, KAIROS="http://127.0.0.1:" + port),
                                 capture_output=True, text=True, timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=10)
    got = [int(line) for line in run.stderr.splitlines() if re.fullmatch(r"\d{3}", line)]
    print(run.stdout)
    if run.returncode != 0 or got != expected:
        print(run.stderr, file=sys.stderr)
        sys.exit(f"worked example: exit {run.returncode}, statuses {got}, expected {expected}")
    print(f"worked example: {len(got)} commands answered as documented")


if __name__ == "__main__":
    main()
