"""One batch of N test cases of the same program (different stdin), wait=false then poll: prints
the seconds until all are final and how many were right. Bounded by --timeout."""
import argparse, http.client, json, sys, time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--language", type=int, default=54)
p.add_argument("--count", type=int, default=20)
p.add_argument("--timeout", type=float, default=300)
a = p.parse_args()

SOURCES = {
    54: "#include <iostream>\n#include <vector>\n#include <algorithm>\nint main() { long x; std::cin >> x; std::vector<long> v{x, 2 * x}; std::sort(v.begin(), v.end()); std::cout << v[1] << std::endl; }\n",
    50: "#include <stdio.h>\nint main(void) { long x; scanf(\"%ld\", &x); printf(\"%ld\\n\", 2 * x); }\n",
}

def call(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, json.loads(data) if data else None

start = time.monotonic()
status, body = call("POST", "/submissions/batch", {"submissions": [
    {"language_id": a.language, "source_code": SOURCES[a.language], "stdin": str(i)} for i in range(a.count)]})
if status != 201:
    sys.exit(f"batch create failed: {status} {body}")
tokens = [s["token"] for s in body]
done = {}
while len(done) < len(tokens) and time.monotonic() - start < a.timeout:
    _, body = call("GET", "/submissions/batch?fields=token,status,stdout&tokens=" + ",".join(t for t in tokens if t not in done))
    for s in body["submissions"]:
        if s["status"]["id"] >= 3:
            done[s["token"]] = s
    time.sleep(0.05)
if len(done) < len(tokens):
    sys.exit(f"{len(tokens) - len(done)} unfinished after {a.timeout} s")
right = sum(1 for i, t in enumerate(tokens) if done[t]["status"]["id"] == 3 and done[t]["stdout"] == f"{2 * i}\n")
print(f"BATCH {a.count} {time.monotonic() - start:.2f} {right}")
