namespace CodeRunner.Sandbox.Cgroups;

/// <summary>Finds a usable hierarchy from /proc/self/mountinfo: v2 when its root offers memory and pids, else v1.</summary>
internal static class CgroupDetection
{
    public static ICgroupHierarchy Open(string mode, string name, string mountInfo = "/proc/self/mountinfo", string procSelfCgroup = "/proc/self/cgroup")
    {
        var mounts = ReadMounts(mountInfo);
        var v2 = mounts.FirstOrDefault(m => m.Type == "cgroup2" && HasV2Controllers(m.Point));
        string? V1(string controller) => mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains(controller))?.Point;
        var (memory, pids, cpuacct) = (V1("memory"), V1("pids"), V1("cpuacct"));
        var v1Usable = memory is not null && pids is not null && cpuacct is not null;

        return mode.ToLowerInvariant() switch
        {
            "v2" when v2 is not null => new CgroupV2(v2.Point, name, CgroupV2.OwnCgroup(procSelfCgroup)),
            "v1" when v1Usable => new CgroupV1(memory!, pids!, cpuacct!, name),
            "auto" when v2 is not null => new CgroupV2(v2.Point, name, CgroupV2.OwnCgroup(procSelfCgroup)),
            "auto" when v1Usable => new CgroupV1(memory!, pids!, cpuacct!, name),
            "auto" or "v1" or "v2" => throw new InvalidOperationException(
                $"no usable cgroup hierarchy for Sandbox:Cgroup={mode}: need cgroup v2 with the memory and pids controllers available, " +
                $"or cgroup v1 with memory, pids and cpuacct mounted (found v2: {v2?.Point ?? "none"}, v1 memory: {memory ?? "none"}, " +
                $"pids: {pids ?? "none"}, cpuacct: {cpuacct ?? "none"})"),
            _ => throw new InvalidOperationException($"Sandbox:Cgroup must be auto, v1 or v2, not '{mode}'"),
        };
    }

    private static bool HasV2Controllers(string point)
    {
        var file = Path.Combine(point, "cgroup.controllers");
        if (!File.Exists(file))
        {
            return false;
        }
        var controllers = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return controllers.Contains("memory") && controllers.Contains("pids");
    }

    private sealed record Mount(string Point, string Type, string[] Options);

    // mountinfo: id parent major:minor root point options [optional...] - type source superoptions
    private static List<Mount> ReadMounts(string mountInfo)
    {
        var result = new List<Mount>();
        foreach (var line in File.ReadLines(mountInfo))
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (dash < 0 || fields.Length < dash + 4)
            {
                continue;
            }
            var point = fields[4].Replace("\\040", " ");
            result.Add(new Mount(point, fields[dash + 1], fields[dash + 3].Split(',')));
        }
        return result;
    }
}
