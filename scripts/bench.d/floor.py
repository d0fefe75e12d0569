"""The least CPU the sandbox's kernel work costs per run, whatever runs it: `bwrap` with only the
namespaces and mounts a run cannot do without (user, pid, ipc, uts and mount namespaces; /usr
read-only, /proc, a /tmp and a /box), as an unprivileged uid, running /bin/true, minus the same
exec without bwrap. Measured with RUSAGE_CHILDREN, which misses bwrap's pid 1 (its monitor does
not reap it): a lower bound. Needs root (to switch to the uid). Prints: FLOOR <ms per run>.
usage: floor.py N UID BOXDIR"""
import os, sys
from ceiling import cpu_ms_per_run

n, uid, box = int(sys.argv[1]), sys.argv[2], sys.argv[3]
setpriv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
links = [a for name in ("bin", "lib", "lib64", "sbin") if os.path.islink("/" + name)
         for a in ("--symlink", os.readlink("/" + name), "/" + name)]
bwrap = ["bwrap", "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--disable-userns",
         "--die-with-parent", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr", *links,
         "--proc", "/proc", "--tmpfs", "/tmp", "--bind", box, "/box", "--chdir", "/box", "--"]

cpu_ms_per_run(setpriv + bwrap + ["/bin/true"], n)  # warm the page cache
sandboxed = cpu_ms_per_run(setpriv + bwrap + ["/bin/true"], n)
print(f"FLOOR {max(0.0, sandboxed - cpu_ms_per_run(setpriv + ['/bin/true'], n)):.2f}")
