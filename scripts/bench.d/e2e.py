"""End-to-end hello-world throughput: submit N Python 3 programs (wait=false, batches of 20),
poll until all are final, print submissions/s (and this client's own CPU ms per job). Bounded: gives up after --timeout seconds."""
import http.client, json, resource, sys, time, argparse

p = argparse.ArgumentParser()
p.add_argument("--host", required=True)
p.add_argument("--port", type=int, required=True)
p.add_argument("--count", type=int, default=400)
p.add_argument("--timeout", type=float, default=300)
a = p.parse_args()

def call(method, path, body=None):
    c = http.client.HTTPConnection(a.host, a.port, timeout=30)
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None

src = 'print("hello, world")'
tokens = []
start = time.monotonic()
for i in range(0, a.count, 20):
    n = min(20, a.count - i)
    status, body = call("POST", "/submissions/batch", {"submissions": [{"language_id": 71, "source_code": src} for _ in range(n)]})
    if status != 201:
        sys.exit(f"batch create failed: {status} {body}")
    tokens += [s["token"] for s in body]
pending = set(tokens)
wrong = 0
while pending and time.monotonic() - start < a.timeout:
    for chunk in [list(pending)[i:i + 20] for i in range(0, len(pending), 20)]:
        status, body = call("GET", "/submissions/batch?fields=token,status,stdout&tokens=" + ",".join(chunk))
        for s in body["submissions"]:
            if s and s["status"]["id"] >= 3:
                pending.discard(s["token"])
                if s["status"]["id"] != 3 or s["stdout"] != "hello, world\n":
                    wrong += 1
    if pending:
        time.sleep(0.25)
elapsed = time.monotonic() - start
if pending:
    sys.exit(f"{len(pending)} submissions unfinished after {a.timeout}s")
ru = resource.getrusage(resource.RUSAGE_SELF)
print(f"E2E {a.count} {elapsed:.3f} {a.count / elapsed:.1f} {wrong} {(ru.ru_utime + ru.ru_stime) * 1000 / a.count:.2f}")
