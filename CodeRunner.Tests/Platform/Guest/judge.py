#!/usr/bin/env python3
"""The platform tests' client inside the VM (copied in by VmFixture): talks to the Judge0 API on
the guest's loopback, where the service listens, so the tests need no port of the guest.

  judge.py run [N]       POST the JSON body on stdin N times (default 1; a JSON list: each of its
                         bodies once), wait for every result, print them as a JSON list
  judge.py submit [N]    POST the same way, print the tokens as a JSON list
  judge.py wait TOKEN... wait until each is final, print the results as a JSON list
  judge.py status TOKEN  print the status id now
  judge.py count TOKEN...
                         print how many are final now
Results are read with fields=* and base64_encoded=false. The base URL is $JUDGE_URL (default
http://127.0.0.1:2358). Polling ends after $JUDGE_WAIT seconds (default 600): exit 1.
"""
import json
import os
import sys
import time
import urllib.request

BASE = os.environ.get("JUDGE_URL", "http://127.0.0.1:2358")
DEADLINE = time.monotonic() + float(os.environ.get("JUDGE_WAIT", "600"))


def call(method, path, body=None):
    request = urllib.request.Request(BASE + path, data=body, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def submit(stdin, n):
    given = json.loads(stdin)
    bodies = given if isinstance(given, list) else [given] * n
    return [call("POST", "/submissions?base64_encoded=false", json.dumps(b).encode())["token"] for b in bodies]


def result(token):
    return call("GET", f"/submissions/{token}?base64_encoded=false&fields=*")


def wait(tokens):
    done = {}
    while len(done) < len(tokens):
        for token in tokens:
            if token not in done:
                r = result(token)
                if r["status"]["id"] >= 3:
                    done[token] = r
        if len(done) < len(tokens):
            if time.monotonic() > DEADLINE:
                sys.exit(f"judge.py: {len(tokens) - len(done)} of {len(tokens)} not final in time")
            time.sleep(0.5)
    return [done[t] for t in tokens]


def main(args):
    command = args[0] if args else ""
    if command in ("run", "submit"):
        tokens = submit(sys.stdin.buffer.read(), int(args[1]) if len(args) > 1 else 1)
        print(json.dumps(wait(tokens) if command == "run" else tokens))
    elif command == "wait":
        print(json.dumps(wait(args[1:])))
    elif command == "status":
        print(result(args[1])["status"]["id"])
    elif command == "count":
        print(sum(1 for t in args[1:] if result(t)["status"]["id"] >= 3))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
