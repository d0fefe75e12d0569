using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CodeRunner.Hosting;
using CodeRunner.Provisioning.DigitalOcean;

namespace CodeRunner.Provisioning;

/// <summary>
/// <c>coderunner provision</c>: creates the seed topology on DigitalOcean (VPC, seven Droplets,
/// managed PostgreSQL, Redis/Valkey and MongoDB, cloud firewalls) or, with <c>--dry-run</c>,
/// prints what it would create. The token comes only from <c>DIGITALOCEAN_TOKEN</c>.
/// </summary>
internal static partial class ProvisionCommand
{
    public const string TokenVariable = "DIGITALOCEAN_TOKEN";
    public const int Failed = 1;

    public static Command Create()
    {
        var region = new Option<string>("--region") { Description = "DigitalOcean region slug", DefaultValueFactory = _ => "nyc3" };
        var releaseUrl = new Option<string>("--release-url") { Description = "where the Droplets download the coderunner binary (required unless --dry-run)", HelpName = "url" };
        var releaseSha = new Option<string>("--release-sha256") { Description = "sha256 the downloaded binary must have", HelpName = "hex" };
        var releaseVersion = new Option<string>("--release-version")
        {
            Description = "release folder name under /opt/coderunner/releases",
            DefaultValueFactory = _ => DefaultVersion(),
            HelpName = "version",
        };
        var sshKeys = new Option<string[]>("--ssh-key") { Description = "SSH key id or fingerprint for the Droplets' root account (repeatable)", AllowMultipleArgumentsPerToken = false, HelpName = "id" };
        var sshFrom = new Option<string[]>("--ssh-from") { Description = "allow SSH (22) from this address or CIDR on every Droplet (repeatable; default none)", AllowMultipleArgumentsPerToken = false, HelpName = "cidr" };
        var redisEngine = new Option<string>("--redis-engine")
        {
            Description = "managed Redis engine: valkey (DigitalOcean's current one) or redis",
            DefaultValueFactory = _ => "valkey",
        };
        redisEngine.AcceptOnlyFromAmong("valkey", "redis");
        var apiUrl = new Option<string>("--api-url") { Description = "DigitalOcean API origin", DefaultValueFactory = _ => "https://api.digitalocean.com", HelpName = "url" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print the plan (what exists, what would be created) without changing anything" };
        var pollSeconds = new Option<double>("--poll-seconds") { Description = "how often to poll Droplet and database status", DefaultValueFactory = _ => 5 };
        var timeoutMinutes = new Option<double>("--timeout-minutes") { Description = "give up waiting for Droplets / databases after this", DefaultValueFactory = _ => 20 };
        var servers = new Option<int>("--servers") { Description = $"judge-server Droplets (judge0-server-1..N, {ServerSize}); more are added by running again", DefaultValueFactory = _ => 2, HelpName = "n" };
        var workers = new Option<int>("--workers") { Description = "judge-worker Droplets (judge0-worker-1..N); more are added by running again", DefaultValueFactory = _ => 2, HelpName = "n" };
        var workerSize = new Option<string>("--worker-size") { Description = "Droplet size of the workers it creates (one sandbox slot per vCPU)", DefaultValueFactory = _ => "s-2vcpu-4gb", HelpName = "slug" };
        var languages = new Option<string>("--languages")
        {
            Description = "toolchains the workers install: all (every Judge0 language Ubuntu packages), default (C, C++, C#/VB/F#, Java, JavaScript, Python, Bash, SQL, Perl) or a comma list (scripts/lib/languages)",
            DefaultValueFactory = _ => "all", HelpName = "list",
        };

        var command = new Command("provision", $"create the DigitalOcean seed topology (token from {TokenVariable}); idempotent");
        foreach (var option in new Option[] { region, releaseUrl, releaseSha, releaseVersion, sshKeys, sshFrom, redisEngine, servers, workers, workerSize, languages, apiUrl, dryRun, pollSeconds, timeoutMinutes })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            var error = Validate(parse.GetValue(region)!, parse.GetValue(apiUrl)!, parse.GetValue(releaseUrl), parse.GetValue(releaseSha),
                parse.GetValue(releaseVersion)!, parse.GetValue(sshFrom) ?? [], parse.GetValue(dryRun), parse.GetValue(pollSeconds),
                parse.GetValue(timeoutMinutes))
                ?? ValidateScale(parse.GetValue(servers), parse.GetValue(workers), parse.GetValue(workerSize)!)
                ?? LanguagePackages.Problem(parse.GetValue(languages)!);
            if (error is not null)
            {
                return Usage(error);
            }
            var options = new ProvisionOptions(
                parse.GetValue(region)!,
                new Uri(parse.GetValue(apiUrl)!),
                parse.GetValue(releaseUrl),
                parse.GetValue(releaseSha)?.ToLowerInvariant(),
                parse.GetValue(releaseVersion)!,
                parse.GetValue(sshKeys) ?? [],
                parse.GetValue(sshFrom) ?? [],
                parse.GetValue(redisEngine)!,
                parse.GetValue(dryRun),
                TimeSpan.FromSeconds(parse.GetValue(pollSeconds)),
                TimeSpan.FromMinutes(parse.GetValue(timeoutMinutes)),
                parse.GetValue(servers),
                parse.GetValue(workers),
                parse.GetValue(workerSize)!,
                parse.GetValue(languages)!);
            return await RunAsync(options, Environment.GetEnvironmentVariable(TokenVariable), Console.Out, Console.Error, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(ProvisionOptions options, string? token, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            await error.WriteLineAsync($"coderunner: provision needs a DigitalOcean API token in the environment variable {TokenVariable}");
            return CommandLine.UsageError;
        }
        token = token.Trim();
        var topology = SeedTopology.Create(options.Region, options.RedisEngine, options.SshFrom, options.Servers, options.Workers, options.WorkerSize);
        using var http = DigitalOceanClient.CreateHttp(options.ApiUrl, token);
        var api = new DigitalOceanClient(http, line => output.WriteLine(line));
        try
        {
            await new Reconciler(api, topology, options, output).RunAsync(ct);
            return 0;
        }
        catch (Exception e) when (e is DigitalOceanException or TimeoutException or HttpRequestException or InvalidOperationException
                                       || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            var message = e is TaskCanceledException ? "the API did not answer in time" : e.Message.Split('\n', 2)[0].Trim();
            // Belt and braces: nothing provisioning prints may carry the token.
            await error.WriteLineAsync($"coderunner: provision failed: {message.Replace(token, "***", StringComparison.Ordinal)}");
            if (e is DigitalOceanException { Status: HttpStatusCode.Unauthorized })
            {
                await error.WriteLineAsync($"coderunner: check the token in {TokenVariable}");
            }
            return Failed;
        }
    }

    private static string? Validate(string region, string apiUrl, string? releaseUrl, string? sha, string version,
        string[] sshFrom, bool dryRun, double pollSeconds, double timeoutMinutes)
    {
        if (!RegionPattern().IsMatch(region))
        {
            return $"--region: '{region}' is not a region slug like nyc3";
        }
        if (!IsHttpUrl(apiUrl))
        {
            return $"--api-url: '{apiUrl}' is not an http(s) URL";
        }
        if (releaseUrl is null && !dryRun)
        {
            return "--release-url is required (where the Droplets download the coderunner binary), unless --dry-run";
        }
        if (releaseUrl is not null && !IsHttpUrl(releaseUrl))
        {
            return $"--release-url: '{releaseUrl}' is not an http(s) URL";
        }
        if (sha is not null && !Sha256Pattern().IsMatch(sha))
        {
            return "--release-sha256 must be 64 hex digits";
        }
        if (!VersionPattern().IsMatch(version))
        {
            return $"--release-version: '{version}' may only have letters, digits, '.', '-', '_' and '+'";
        }
        if (sshFrom.FirstOrDefault(a => !IPNetwork.TryParse(a, out _) && !IPAddress.TryParse(a, out _)) is { } bad)
        {
            return $"--ssh-from: '{bad}' is not an address or CIDR";
        }
        if (pollSeconds <= 0 || timeoutMinutes <= 0)
        {
            return "--poll-seconds and --timeout-minutes must be positive";
        }
        return null;
    }

    public const string ServerSize = "s-1vcpu-2gb";
    public const int MaxServers = 10;
    public const int MaxWorkers = 50;

    private static string? ValidateScale(int servers, int workers, string workerSize)
    {
        if (servers is < 1 or > MaxServers)
        {
            return $"--servers: {servers} is not between 1 and {MaxServers}";
        }
        if (workers is < 1 or > MaxWorkers)
        {
            return $"--workers: {workers} is not between 1 and {MaxWorkers}";
        }
        return SizePattern().IsMatch(workerSize) ? null : $"--worker-size: '{workerSize}' is not a Droplet size slug like s-2vcpu-4gb";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex SizePattern();

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static string DefaultVersion() =>
        typeof(ProvisionCommand).Assembly.GetName().Version is { } v
            ? string.Create(CultureInfo.InvariantCulture, $"{v.Major}.{v.Minor}.{v.Build}")
            : "current";

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"coderunner: provision: {message}");
        return CommandLine.UsageError;
    }

    [GeneratedRegex("^[a-z0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex VersionPattern();
}
