"""Per language: the first run of its hello world after the worker started, then the median of
--warm more runs of the same program (compile cache off, so each compiles again), all with
wait=true. Prints one row per id: name, first and warm wall seconds of the request, the warm
run's compile share (request minus wall_time of the program), and its CPU time and memory.
Bounded: each request has --timeout seconds."""
import argparse, http.client, json, os, statistics, sys, time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--programs", required=True)
p.add_argument("--warm", type=int, default=3)
p.add_argument("--timeout", type=float, default=120)
a = p.parse_args()

def call(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=a.timeout)
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, json.loads(data) if data else None

def run(lang, source):
    start = time.monotonic()
    status, body = call("POST", "/submissions?wait=true&fields=status,time,wall_time,memory,stdout,compile_output", {
        "language_id": lang, "source_code": source, "stdin": "world\n"})
    elapsed = time.monotonic() - start
    if status != 201 or body["status"]["id"] != 3 or body["stdout"] != "hello world\n":
        sys.exit(f"language {lang}: {status} {body}")
    return elapsed, body

_, languages = call("GET", "/languages")
names = {l["id"]: l["name"] for l in languages}
print(f"{'id':>3}  {'language':<32} {'first s':>8} {'warm s':>7} {'compile s':>9} {'cpu s':>6} {'memory KB':>9}")
for lang in sorted(names):
    folder = os.path.join(a.programs, str(lang))
    if not os.path.isdir(folder):
        continue
    source = open(os.path.join(folder, next(f for f in os.listdir(folder) if f.startswith("hello.")))).read()
    first, _ = run(lang, source)
    warm = [run(lang, source) for _ in range(a.warm)]
    elapsed = statistics.median(w[0] for w in warm)
    body = sorted(warm, key=lambda w: w[0])[len(warm) // 2][1]
    wall = float(body["wall_time"] or 0)
    print(f"{lang:>3}  {names[lang]:<32} {first:>8.2f} {elapsed:>7.2f} {max(0, elapsed - wall):>9.2f} {float(body['time'] or 0):>6.3f} {body['memory']:>9}")
