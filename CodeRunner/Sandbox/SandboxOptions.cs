namespace CodeRunner.Sandbox;

/// <summary>Configuration section "Sandbox".</summary>
internal sealed class SandboxOptions
{
    /// <summary>Root-owned (0711) folder holding one size-capped tmpfs per slot, in which boxes live.</summary>
    public string BoxRoot { get; set; } = "/var/lib/coderunner/boxes";

    /// <summary>Slot k runs programs as uid and gid UidBase + k.</summary>
    public int UidBase { get; set; } = 60000;

    /// <summary>auto, v1 or v2.</summary>
    public string Cgroup { get; set; } = "auto";

    /// <summary>Parent cgroup (in each hierarchy) of the slot cgroups slot0, slot1, ...</summary>
    public string CgroupName { get; set; } = "coderunner";

    public string Bwrap { get; set; } = "/usr/bin/bwrap";

    public string Setpriv { get; set; } = "/usr/bin/setpriv";

    public string Shell { get; set; } = "/bin/sh";

    public string Unshare { get; set; } = "/usr/bin/unshare";

    /// <summary>The sandbox's pid 1, which reports the program's real wait status (see Bwrap/Reaper), is a Perl script.</summary>
    public string Perl { get; set; } = "/usr/bin/perl";

    /// <summary>The per-slot launcher's loop needs bash (mapfile -d '').</summary>
    public string LauncherShell { get; set; } = "/bin/bash";

    /// <summary>
    /// One long-lived launcher per slot (cgroup v1 and v2), already in the slot's cgroups, network
    /// namespace and uid (see Bwrap/SlotLauncher). False: every run goes
    /// sh → setpriv → bwrap --unshare-all.
    /// </summary>
    public bool Launcher { get; set; } = true;

    /// <summary>
    /// The seccomp filter of every run (see Seccomp/SyscallFilter). Only the sandbox benchmark
    /// turns it off, to measure what it costs.
    /// </summary>
    public bool Seccomp { get; set; } = true;

    /// <summary>Concurrent runs; 0 means one per processor.</summary>
    public int Slots { get; set; }

    /// <summary>Size of each slot's box tmpfs: everything a compile and a run may leave in /box.</summary>
    public int BoxSizeMb { get; set; } = 256;

    /// <summary>Size of the per-run /tmp (gcc keeps its intermediate files there).</summary>
    public int TmpSizeMb { get; set; } = 128;

    public int ShmSizeMb { get; set; } = 16;

    /// <summary>
    /// Host paths under /etc bound read-only (missing ones skipped); /etc/java-* folders are added
    /// automatically. Null means the default set toolchains need.
    /// </summary>
    public string[]? EtcPaths { get; set; }

    /// <summary>How often the CPU time of a run is checked against its limit.</summary>
    public int PollIntervalMs { get; set; } = 50;

    /// <summary>How often idle slots are checked (orphans reaped, a slot that cannot run rebuilt and self-tested).</summary>
    public double MaintenanceSeconds { get; set; } = 5;

    /// <summary>Run a trivial program in slot 0 at start so a broken setup fails loudly and early.</summary>
    public bool SelfTest { get; set; } = true;

    public int EffectiveSlots => Slots > 0 ? Slots : Environment.ProcessorCount;

    public IReadOnlyList<string> EffectiveEtcPaths =>
        (EtcPaths ?? ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime"])
        .Concat(Directory.Exists("/etc") ? Directory.GetDirectories("/etc", "java-*") : [])
        .Distinct()
        .ToArray();
}
