"""The bare-exec ceiling: CPU seconds of `python3 -c pass`, run N times directly; prints
cores / CPU-per-run (runs per second the machine could do with no sandbox and no service)."""
import os, resource, subprocess, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
before = resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(n):
    subprocess.run(["/usr/bin/python3", "-c", "pass"], check=True)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / n
cores = os.cpu_count()
print(f"CEILING {cpu * 1000:.2f} {cores} {cores / cpu:.1f}")
