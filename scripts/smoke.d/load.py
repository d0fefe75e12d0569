#!/usr/bin/env python3
"""Bounded load for scripts/smoke-cluster, run inside the caller's network namespace.

Posts COUNT Python submissions (wait=false) a few at a time, writing how many were accepted to
PROGRESS as it goes (the script kills a judge-server and a worker when it sees half of them), then
polls every accepted token until it is final and checks each one's output. Prints one JSON summary.
A POST that does not answer 201 with a token was not accepted (e.g. a 502 from the lb for a
request that was in flight on the killed judge-server) and is counted, not retried.
"""
import argparse
import concurrent.futures
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request


def request(method, url, headers, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="e.g. http://10.231.7.10/api")
    p.add_argument("--header", action="append", default=[], help="Name: value, sent with every call")
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--progress", required=True)
    p.add_argument("--poll-seconds", type=float, default=150)
    args = p.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)

    lock = threading.Lock()
    accepted = {}  # token -> expected stdout
    rejected = {}  # "status: body start" -> count

    def submit(i):
        # A little sleep keeps runs in flight on every slot when the worker is killed.
        source = f"import time\ntime.sleep(0.15)\nprint({i} * {i} + 7)\n"
        status, body = request("POST", f"{args.base}/submissions?base64_encoded=false&wait=false", headers,
                               {"language_id": 71, "source_code": source})
        token = None
        if status == 201:
            try:
                token = json.loads(body).get("token")
            except ValueError:
                pass
        with lock:
            if token:
                accepted[token] = f"{i * i + 7}\n"
            else:
                key = f"{status}: {body[:80]}"
                rejected[key] = rejected.get(key, 0) + 1
            # Written whole and renamed, so the script never reads a half-written file.
            with open(args.progress + ".new", "w") as f:
                f.write(f"{len(accepted) + sum(rejected.values())}\n")
            os.replace(args.progress + ".new", args.progress)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(submit, range(args.count)))
    posted_seconds = time.monotonic() - started

    final = {}
    deadline = time.monotonic() + args.poll_seconds
    tokens = list(accepted)
    while len(final) < len(tokens) and time.monotonic() < deadline:
        for chunk_start in range(0, len(tokens), 20):
            chunk = [t for t in tokens[chunk_start:chunk_start + 20] if t not in final]
            if not chunk:
                continue
            status, body = request("GET", f"{args.base}/submissions/batch?tokens={','.join(chunk)}"
                                   "&base64_encoded=false&fields=token,stdout,stderr,status,message", headers)
            if status != 200:
                continue
            for item in json.loads(body).get("submissions", []):
                if item and item["status"]["id"] >= 3:
                    final[item["token"]] = item
        if len(final) < len(tokens):
            time.sleep(0.5)
    done_seconds = time.monotonic() - started

    wrong = {t: final[t] for t in final
             if final[t]["status"]["id"] != 3 or final[t].get("stdout") != accepted[t]}
    unfinished = [t for t in tokens if t not in final]
    print(json.dumps({
        "submitted": args.count,
        "accepted": len(accepted),
        "rejected": sum(rejected.values()),
        "rejected_by_answer": rejected,
        "final": len(final),
        "correct": len(final) - len(wrong),
        "wrong": len(wrong),
        "wrong_examples": list(wrong.values())[:3],
        "unfinished": len(unfinished),
        "unfinished_examples": unfinished[:3],
        "post_seconds": round(posted_seconds, 1),
        "all_final_seconds": round(done_seconds, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
