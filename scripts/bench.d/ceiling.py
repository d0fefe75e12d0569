"""The bare-exec ceiling: CPU seconds of `python3 -c pass`, run N times directly; prints
cores / CPU-per-run (runs per second the machine could do with no sandbox and no service)."""
import os, resource, subprocess, sys

def cpu_ms_per_run(argv, n):
    """CPU (user + system) per run of argv, run n times, as RUSAGE_CHILDREN counts it: the process
    and every descendant it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(n):
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000 / n

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    cpu = cpu_ms_per_run(["/usr/bin/python3", "-c", "pass"], n)
    cores = os.cpu_count()
    print(f"CEILING {cpu:.2f} {cores} {cores * 1000 / cpu:.1f}")
