using System.Reflection;

namespace CodeRunner.Provisioning;

/// <summary>
/// A Droplet's first-boot script (user_data, a shell script cloud-init runs once as root): downloads
/// the release, installs the packages its role needs, writes the role's env file and hands the rest
/// to <c>scripts/install</c> (embedded in the binary with the unit files), the one way a release is
/// installed, which starts <c>coderunner@&lt;role&gt;</c>.
/// </summary>
internal static class UserData
{
    /// <summary>The API's documented user_data limit.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The DigitalOcean metadata service; CODERUNNER_METADATA_URL replaces it in tests.</summary>
    public const string MetadataUrl = "http://169.254.169.254/metadata/v1";

    public static string For(DropletPlan droplet, IReadOnlyList<EnvVariable> env, ProvisionOptions options)
    {
        var releaseUrl = options.ReleaseUrl ?? throw new InvalidOperationException("--release-url is required to create Droplets");
        var role = droplet.Role;
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"# coderunner {role} on {droplet.Name}: written by `coderunner provision`, run once by cloud-init.\n");
        s.Append("# Downloads the release and installs it with scripts/install (written below), as a deploy does.\n");
        s.Append("# CODERUNNER_PREFIX (tests) installs below that folder instead of / and starts nothing.\n");
        s.Append("set -euo pipefail\n");
        s.Append("umask 022\n");
        s.Append("export DEBIAN_FRONTEND=noninteractive\n");
        s.Append("prefix=\"${CODERUNNER_PREFIX:-}\"\n");
        if (role == "judge-worker")
        {
            s.Append("apt-get update -q\n");
            // The sandbox and the toolchains of --languages (scripts/lib/languages, as install-deps reads it).
            s.Append($"apt-get install -y -q --no-install-recommends {string.Join(' ', LanguagePackages.For(options.Languages))}\n");
        }
        // scripts/install finds the units in ../systemd beside itself: the repository's layout.
        // On disk, not in a RAM-backed /tmp: the binary is over 100 MB and small Droplets have 2 GB.
        s.Append("work=\"$(mktemp -d /var/tmp/coderunner-firstboot.XXXXXX)\"\n");
        s.Append("trap 'rm -rf \"$work\"' EXIT\n");
        s.Append($"curl -fsSL --retry 10 --retry-delay 3 -o \"$work/coderunner\" {Quote(releaseUrl)}\n");
        if (options.ReleaseSha256 is { } sha)
        {
            s.Append($"echo {Quote(sha + "  ")}\"$work/coderunner\" | sha256sum -c -\n");
        }
        s.Append("chmod 0755 \"$work/coderunner\"\n");
        foreach (var (name, text) in InstallFiles())
        {
            if (text.Contains("\nCODERUNNER_FILE\n", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{name} contains the here-document's end marker");
            }
            s.Append($"install -d -m 0755 \"$work/{Path.GetDirectoryName(name)}\"\n");
            s.Append($"cat > \"$work/{name}\" <<'CODERUNNER_FILE'\n");
            s.Append(text);
            s.Append("CODERUNNER_FILE\n");
        }
        s.Append("chmod 0755 \"$work/scripts/install\"\n");
        // Listen on this Droplet's own VPC address where the role needs one (the firewall is the
        // outer wall; this keeps the service off the public interface too).
        s.Append($"private_ip=$(curl -fsS --retry 5 \"${{CODERUNNER_METADATA_URL:-{MetadataUrl}}}/interfaces/private/0/ipv4/address\" || echo 0.0.0.0)\n");
        // scripts/install keeps an existing env file (and repairs its mode), so this one is the role's.
        s.Append("install -d -m 0700 \"$prefix/etc/coderunner\"\n");
        s.Append($"env_file=\"$prefix/etc/coderunner/{role}.env\"\n");
        s.Append("(umask 077; cat > \"$env_file\") <<'CODERUNNER_ENV'\n");
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
        s.Append($"sed -i \"s/{RoleEnvironment.OwnPrivateIp}/$private_ip/g\" \"$env_file\"\n");
        s.Append("chmod 0600 \"$env_file\"\n");
        s.Append($"\"$work/scripts/install\" --role {role} --binary \"$work/coderunner\" --version {Quote(options.ReleaseVersion)}\n");
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

    /// <summary>scripts/install, embedded in the binary: what every Droplet installs its release with.</summary>
    public static string InstallScript() => Embedded("scripts/install")
        ?? throw new InvalidOperationException("scripts/install is not embedded in the binary");

    /// <summary>scripts/install and every unit file, by their paths in the repository (where install looks for them).</summary>
    public static IEnumerable<(string Name, string Text)> InstallFiles()
    {
        yield return ("scripts/install", InstallScript());
        foreach (var name in Assembly.GetExecutingAssembly().GetManifestResourceNames()
            .Where(n => n.StartsWith("systemd/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return (name, Embedded(name)!);
        }
    }

    private static string? Embedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().Replace("\r\n", "\n");
        return text.EndsWith('\n') ? text : text + "\n";
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
