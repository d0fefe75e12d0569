using System.Globalization;
using System.Reflection;
using CodeRunner.Sandbox;

namespace CodeRunner.Judge;

/// <summary>
/// The judge tier's settings (server and worker): Judge0 CE 1.13.1's configuration (same defaults) plus our limits.
/// Each property binds from "Judge:PropertyName" and from Judge0's variable name (CPU_TIME_LIMIT
/// for CpuTimeLimit), the latter winning, so a Judge0 env file works unchanged.
/// </summary>
internal sealed class JudgeOptions
{
    public const string Section = "Judge";

    public bool MaintenanceMode { get; set; }
    public string MaintenanceMessage { get; set; } = "Judge0 is currently in maintenance.";
    public bool EnableWaitResult { get; set; } = true;
    public bool EnableCompilerOptions { get; set; } = true;
    /// <summary>Space separated language name prefixes, e.g. "C C++"; empty means every compiled language.</summary>
    public string AllowedLanguagesForCompilerOptions { get; set; } = "";
    public bool EnableCommandLineArguments { get; set; } = true;
    public bool EnableSubmissionDelete { get; set; }
    public bool EnableCallbacks { get; set; } = true;
    public int CallbacksMaxTries { get; set; } = 3;
    public decimal CallbacksTimeout { get; set; } = 5;
    // Ours, not Judge0's: see CodeRunner/Judge/Callbacks.
    /// <summary>Key of the HMAC-SHA256 signature on each callback; empty sends none. A secret.</summary>
    public string CallbacksSecret { get; set; } = "";
    /// <summary>Internal networks (CIDR, space or comma separated) callbacks may still go to, e.g. the receiving application's VPC.</summary>
    public string CallbacksAllowedNetworks { get; set; } = "";
    public bool EnableAdditionalFiles { get; set; } = true;
    public int MaxQueueSize { get; set; } = 100;
    public decimal CpuTimeLimit { get; set; } = 5;
    public decimal MaxCpuTimeLimit { get; set; } = 15;
    public decimal CpuExtraTime { get; set; } = 1;
    public decimal MaxCpuExtraTime { get; set; } = 5;
    public decimal WallTimeLimit { get; set; } = 10;
    public decimal MaxWallTimeLimit { get; set; } = 20;
    public int MemoryLimit { get; set; } = 128000;
    public int MaxMemoryLimit { get; set; } = 512000;
    public int StackLimit { get; set; } = 64000;
    public int MaxStackLimit { get; set; } = 128000;
    public int MaxProcessesAndOrThreads { get; set; } = 60;
    public int MaxMaxProcessesAndOrThreads { get; set; } = 120;
    public bool EnablePerProcessAndThreadTimeLimit { get; set; }
    public bool AllowEnablePerProcessAndThreadTimeLimit { get; set; } = true;
    public bool EnablePerProcessAndThreadMemoryLimit { get; set; }
    public bool AllowEnablePerProcessAndThreadMemoryLimit { get; set; } = true;
    public int MaxFileSize { get; set; } = 1024;
    public int MaxMaxFileSize { get; set; } = 4096;
    public int NumberOfRuns { get; set; } = 1;
    public int MaxNumberOfRuns { get; set; } = 20;
    public bool RedirectStderrToStdout { get; set; }
    /// <summary>KB an additional_files zip may extract to.</summary>
    public int MaxExtractSize { get; set; } = 10240;
    public bool EnableBatchedSubmissions { get; set; } = true;
    public int MaxSubmissionBatchSize { get; set; } = 20;
    public decimal SubmissionCacheDuration { get; set; } = 1;
    public bool UseDocsAsHomepage { get; set; }
    /// <summary>Forced off: no sandbox network exists yet that provably cannot reach internal addresses.</summary>
    public bool AllowEnableNetwork { get; set; }
    /// <summary>Forced off, see <see cref="AllowEnableNetwork"/>.</summary>
    public bool EnableNetwork { get; set; }

    public string AuthnHeader { get; set; } = "X-Auth-Token";
    /// <summary>Space separated accepted tokens; empty turns authentication off. A secret.</summary>
    public string AuthnToken { get; set; } = "";
    /// <summary>
    /// Ours: space separated tokens (sent in AUTHN_HEADER) whose requests may name their caller in
    /// X-CodeRunner-Caller, i.e. the runner's. Empty: the first AUTHN_TOKEN (the tier token). A secret.
    /// </summary>
    public string TrustedCallerTokens { get; set; } = "";
    public string AuthzHeader { get; set; } = "X-Auth-User";
    /// <summary>Space separated admin tokens; empty forbids every admin endpoint. A secret.</summary>
    public string AuthzToken { get; set; } = "";

    // Ours, not Judge0's: Judge0 stores whatever arrives, which lets one request fill the disk.
    public int MaxSourceCodeSize { get; set; } = 64 * 1024;
    public int MaxStdinSize { get; set; } = 4 * 1024 * 1024;
    public int MaxExpectedOutputSize { get; set; } = 4 * 1024 * 1024;
    /// <summary>Bytes of the decoded additional_files zip.</summary>
    public int MaxAdditionalFilesSize { get; set; } = 4 * 1024 * 1024;
    public long MaxRequestBodySize { get; set; } = 32 * 1024 * 1024;
    /// <summary>Seconds a wait=true request waits beyond the submission's own wall-time budget.</summary>
    public int WaitMarginSeconds { get; set; } = 15;

    public string Homepage { get; set; } = "https://github.com/coderunner";
    public string SourceCode { get; set; } = "https://github.com/coderunner/coderunner";
    public string Maintainer { get; set; } = "CodeRunner maintainers";

    /// <summary>Settings that were asked for but overridden for safety; logged at start.</summary>
    public List<string> Overridden { get; } = [];

    /// <summary>
    /// Judge0 compiles with stdin from /dev/null under the maximum limits. Files a compiler
    /// writes may be larger (Rust's and GHC's unstripped hello worlds pass 4 MB; the box's tmpfs
    /// still caps the total); its messages are kept up to max_max_file_size, as Judge0 keeps them.
    /// </summary>
    public SandboxLimits CompileLimits => new(
        CpuTime: (double)MaxCpuTimeLimit, ExtraCpuTime: (double)MaxCpuExtraTime, WallTime: (double)MaxWallTimeLimit,
        MemoryKb: MaxMemoryLimit, StackKb: MaxStackLimit, MaxProcesses: MaxMaxProcessesAndOrThreads,
        MaxFileSizeKb: Math.Max(MaxMaxFileSize, CompiledFileKb), OutputCapKb: MaxMaxFileSize);

    /// <summary>Largest file a compile step may write, KB.</summary>
    public const long CompiledFileKb = 64 * 1024;

    public IReadOnlyList<string> AllowedLanguagePrefixes =>
        AllowedLanguagesForCompilerOptions.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static readonly HashSet<string> NotFromJudge0 = [nameof(Overridden), nameof(AllowedLanguagePrefixes), nameof(CompileLimits)];

    public static JudgeOptions Load(IConfiguration configuration)
    {
        var options = new JudgeOptions();
        var section = configuration.GetSection(Section);
        foreach (var property in typeof(JudgeOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || NotFromJudge0.Contains(property.Name))
            {
                continue;
            }
            foreach (var (key, value) in new[] { ($"{Section}:{property.Name}", section[property.Name]), (EnvName(property.Name), configuration[EnvName(property.Name)]) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    property.SetValue(options, Convert(key, value.Trim(), property.PropertyType));
                }
            }
        }
        if (options.AllowEnableNetwork || options.EnableNetwork)
        {
            options.Overridden.Add("ALLOW_ENABLE_NETWORK/ENABLE_NETWORK are forced to false: the sandbox has no network that is safe to give to user programs");
            options.AllowEnableNetwork = options.EnableNetwork = false;
        }
        return options;
    }

    /// <summary>CpuTimeLimit → CPU_TIME_LIMIT.</summary>
    internal static string EnvName(string property)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < property.Length; i++)
        {
            if (i > 0 && char.IsUpper(property[i]))
            {
                builder.Append('_');
            }
            builder.Append(char.ToUpperInvariant(property[i]));
        }
        return builder.ToString();
    }

    private static object Convert(string key, string value, Type type)
    {
        object? result = type switch
        {
            _ when type == typeof(string) => value,
            _ when type == typeof(bool) => bool.TryParse(value, out var b) ? b : null,
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            _ when type == typeof(decimal) => decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            _ => throw new InvalidOperationException($"{key}: unsupported setting type {type.Name}"),
        };
        return result ?? throw new InvalidOperationException($"{key}: '{value}' is not a valid {type.Name.ToLowerInvariant()}");
    }
}
