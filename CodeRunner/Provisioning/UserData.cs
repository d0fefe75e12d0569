using System.Reflection;

namespace CodeRunner.Provisioning;

/// <summary>
/// A Droplet's first-boot script (user_data, a shell script cloud-init runs once as root): installs
/// the release like the project's install steps do and starts <c>coderunner@&lt;role&gt;</c>.
/// </summary>
internal static class UserData
{
    /// <summary>The API's documented user_data limit.</summary>
    public const int MaxBytes = 64 * 1024;

    // What the judge-worker's sandbox and toolchains need (scripts/lib/common.sh runtime_packages).
    private const string WorkerPackages = "bubblewrap util-linux gcc g++ libc6-dev python3 sqlite3 perl default-jdk-headless nodejs";

    public static string For(DropletPlan droplet, IReadOnlyList<EnvVariable> env, ProvisionOptions options)
    {
        var releaseUrl = options.ReleaseUrl ?? throw new InvalidOperationException("--release-url is required to create Droplets");
        var role = droplet.Role;
        var release = $"/opt/coderunner/releases/{options.ReleaseVersion}";
        var envFile = $"/etc/coderunner/{role}.env";
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"# coderunner {role} on {droplet.Name}: written by `coderunner provision`, run once by cloud-init.\n");
        s.Append("set -euo pipefail\n");
        s.Append("umask 077\n");
        s.Append("export DEBIAN_FRONTEND=noninteractive\n");
        if (role == "judge-worker")
        {
            s.Append("apt-get update -q\n");
            s.Append($"apt-get install -y -q {WorkerPackages}\n");
        }
        s.Append("id -u coderunner >/dev/null 2>&1 || useradd --system --home-dir /var/lib/coderunner --shell /usr/sbin/nologin coderunner\n");
        s.Append($"install -d -m 0755 /opt/coderunner /opt/coderunner/releases {release}\n");
        // The unit runs every role but the worker as coderunner, in this folder (scripts/install does the same).
        s.Append("install -d -m 0750 -o coderunner -g coderunner /var/lib/coderunner\n");
        s.Append($"curl -fsSL --retry 10 --retry-delay 3 -o {release}/coderunner.download {Quote(releaseUrl)}\n");
        if (options.ReleaseSha256 is { } sha)
        {
            s.Append($"echo {Quote($"{sha}  {release}/coderunner.download")} | sha256sum -c -\n");
        }
        s.Append($"install -m 0755 {release}/coderunner.download {release}/coderunner\n");
        s.Append($"rm -f {release}/coderunner.download\n");
        s.Append($"ln -sfn {release} /opt/coderunner/current\n");
        // Listen on this Droplet's own VPC address where the role needs one (the firewall is the
        // outer wall; this keeps the service off the public interface too).
        s.Append("private_ip=$(curl -fsS --retry 5 http://169.254.169.254/metadata/v1/interfaces/private/0/ipv4/address || echo 0.0.0.0)\n");
        s.Append("install -d -m 0700 /etc/coderunner\n");
        s.Append($"cat > {envFile} <<'CODERUNNER_ENV'\n");
        s.Append($"# /etc/coderunner/{role}.env (mode 0600), written by coderunner provision.\n");
        foreach (var variable in env)
        {
            if (variable.Value.IndexOfAny(['\n', '\r']) >= 0 || variable.Name.IndexOfAny(['\n', '\r', '=']) >= 0)
            {
                throw new InvalidOperationException($"{variable.Name}: a value for an env file cannot span lines");
            }
            s.Append($"{variable.Name}={variable.Value}\n");
        }
        s.Append("CODERUNNER_ENV\n");
        s.Append($"sed -i \"s/{RoleEnvironment.OwnPrivateIp}/$private_ip/g\" {envFile}\n");
        s.Append($"chmod 0600 {envFile}\n");
        s.Append("cat > /etc/systemd/system/coderunner@.service <<'CODERUNNER_UNIT'\n");
        s.Append(Unit());
        s.Append("CODERUNNER_UNIT\n");
        if (DropIn(role) is { } dropIn)
        {
            s.Append($"install -d -m 0755 /etc/systemd/system/coderunner@{role}.service.d\n");
            s.Append($"cat > /etc/systemd/system/coderunner@{role}.service.d/override.conf <<'CODERUNNER_UNIT'\n");
            s.Append(dropIn);
            s.Append("CODERUNNER_UNIT\n");
        }
        s.Append("systemctl daemon-reload\n");
        s.Append($"systemctl enable --now coderunner@{role}\n");
        var script = s.ToString();
        if (Encoding.UTF8.GetByteCount(script) > MaxBytes)
        {
            throw new InvalidOperationException($"user data for {droplet.Name} is over the API's {MaxBytes / 1024} KiB limit");
        }
        return script;
    }

    /// <summary>systemd/coderunner@.service, embedded in the binary so every Droplet gets the repository's unit.</summary>
    public static string Unit() => Embedded("systemd/coderunner@.service")
        ?? throw new InvalidOperationException("systemd/coderunner@.service is not embedded in the binary");

    /// <summary>The role's exceptions to the template (systemd/coderunner@&lt;role&gt;.service.d/override.conf), when it has any.</summary>
    public static string? DropIn(string role) => Embedded($"systemd/coderunner@{role}.service.d/override.conf");

    private static string? Embedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        var unit = reader.ReadToEnd().Replace("\r\n", "\n");
        return unit.EndsWith('\n') ? unit : unit + "\n";
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
