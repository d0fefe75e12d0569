"""CPU accounting for the end-to-end benchmark, from /proc (no perf needed).
  cpu.py snapshot FILE      records every process's own and reaped-children CPU, and /proc/stat
  cpu.py diff FILE JOBS     prints machine CPU per job and the biggest consumers per job (ms),
                            grouped by process name; a process's reaped children (the sandbox
                            chain sh/setpriv/bwrap/program under the worker) show as "<name> children"."""
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
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
            cmd = argv[0]
        except OSError:
            continue
        comm = data[data.index("(") + 1:data.rindex(")")]
        fields = data[data.rindex(")") + 2:].split()
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        name = os.path.basename(cmd) if cmd and not comm.startswith("kworker") else comm
        if "--role" in argv[:-1]:
            name += ":" + argv[argv.index("--role") + 1]
        if comm.startswith("kworker"):
            name = "kworker"
        if name.startswith("postgres") or comm.startswith("postgres"):
            name = "postgres"
        procs[pid] = [name, utime + stime, cutime + cstime, data.split()[21]]
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return {"procs": procs, "busy": sum(v) - v[3] - v[4], "steal": v[7] if len(v) > 7 else 0}

def main():
    if sys.argv[1] == "snapshot":
        with open(sys.argv[2], "w") as f:
            json.dump(snapshot(), f)
        return
    with open(sys.argv[2]) as f:
        before = json.load(f)
    jobs = int(sys.argv[3])
    now = snapshot()
    groups = {}
    for pid, (name, own, children, start) in now["procs"].items():
        old = before["procs"].get(pid)
        if old and old[3] == start:
            own -= old[1]
            children -= old[2]
        groups[name] = groups.get(name, 0) + own
        if children:
            groups[name + " children"] = groups.get(name + " children", 0) + children
    ms = lambda ticks: ticks * 1000 / TICK / jobs
    machine = ms(now["busy"] - before["busy"])
    top = sorted(groups.items(), key=lambda kv: -kv[1])[:14]
    print(f"CPU {machine:.2f} " + " ".join(f"{name.replace(' ', '_')}={ms(t):.2f}" for name, t in top if t > 0))

main()
