"""CPU accounting for the end-to-end benchmark, from /proc (no perf needed).
  cpu.py snapshot FILE                 records every process's CPU (own, and of its reaped children)
  cpu.py diff FILE JOBS NAME=PID...    prints, in ms per job: the whole machine (/proc/stat, so
                                       anything else running counts too), then for each named
                                       process its own CPU and that of everything under it (live
                                       descendants and reaped children: for the worker, the
                                       sandbox launchers, bwrap and the programs)."""
import json, os, sys

TICK = os.sysconf("SC_CLK_TCK")

def snapshot():
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                data = f.read()
        except OSError:
            continue
        fields = data[data.rindex(")") + 2:].split()
        ppid = fields[1]
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        procs[pid] = [ppid, utime + stime, cutime + cstime, fields[19]]
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return {"procs": procs, "busy": sum(v) - v[3] - v[4]}

def main():
    if sys.argv[1] == "snapshot":
        with open(sys.argv[2], "w") as f:
            json.dump(snapshot(), f)
        return
    with open(sys.argv[2]) as f:
        before = json.load(f)
    jobs = int(sys.argv[3])
    now = snapshot()
    delta = {}
    for pid, (ppid, own, children, start) in now["procs"].items():
        old = before["procs"].get(pid)
        if old and old[3] == start:
            own -= old[1]
            children -= old[2]
        delta[pid] = (ppid, own, children)
    kids = {}
    for pid, (ppid, _, _) in delta.items():
        kids.setdefault(ppid, []).append(pid)
    def tree(pid):
        _, own, children = delta.get(pid, (None, 0, 0))
        return own + children + sum(tree(k) for k in kids.get(pid, []))
    ms = lambda ticks: ticks * 1000 / TICK / jobs
    out = [f"machine={ms(now['busy'] - before['busy']):.2f}"]
    for arg in sys.argv[4:]:
        name, pid = arg.split("=")
        own = delta.get(pid, (None, 0, 0))[1]
        out.append(f"{name}={ms(own):.2f}+{ms(tree(pid) - own):.2f}")
    print("CPU " + " ".join(out))

main()
