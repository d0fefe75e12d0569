namespace CodeRunner.Hosting;

/// <summary>The environment variables each role reads, for <c>--help</c>. Keep in step with roles/*.env.</summary>
internal static class EnvironmentHelp
{
    public static readonly IReadOnlyList<(Roles Roles, string Name, string Meaning)> Variables =
    [
        (Roles.Client, "RUNNER_API_URL", "the runner the web IDE's /api/* is forwarded to (http://10.0.0.3:4000); --role all: the local one"),
        (Roles.Client, "Client__Urls", "web IDE listen URLs (default http://127.0.0.1:3000; production http://0.0.0.0:80)"),
        (Roles.Client, "Client__MetricsFrom", "IPs/CIDRs that may read the client's /metrics (default none: the public client serves no metrics)"),
        (Roles.Client, "Client__MaxRequestBytes", "largest /api request body forwarded (default Runner__MaxRequestBytes, else 1048576; 413 above)"),
        (Roles.Runner, "Runner__Urls", "runner listen URLs (default http://127.0.0.1:4000)"),
        (Roles.Runner, "JUDGE0_URL", "the judge tier (the lb) to forward to (default: the lb's first URL; in-process judge-server without lb: its URL)"),
        (Roles.Runner, "JUDGE0_AUTH_HEADER / JUDGE0_AUTH_TOKEN", "header and token the runner adds for the judge tier (default X-Auth-Token; in-process: AUTHN_TOKEN)"),
        (Roles.Runner, "RATE_LIMIT_MAX / RATE_LIMIT_WINDOW", "default-sized submissions per window (seconds) per key or session, the default budget below (default 30 / 60)"),
        (Roles.Runner, "RATE_LIMIT_SLOT_SECONDS", "slot-seconds (number_of_runs × wall_time_limit, summed over a batch) per window per key or session (default RATE_LIMIT_MAX × 10)"),
        (Roles.Runner, "Runner__AddressSlotSecondsMax", "slot-seconds per window shared by all anonymous sessions of one client IP (default RATE_LIMIT_SLOT_SECONDS)"),
        (Roles.Runner, "NUMBER_OF_RUNS / WALL_TIME_LIMIT", "what a submission leaving them out costs: the judge's defaults (default 1 / 10)"),
        (Roles.Runner, "Runner__ReadLimitFactor", "other calls (polling, history, settings) get this many times RATE_LIMIT_MAX (default 10)"),
        (Roles.Runner, "Runner__SessionRateLimitMax", "POST /sessions per window per client IP (default RATE_LIMIT_MAX)"),
        (Roles.Runner, "Runner__TrustedProxies", "IPs/CIDRs whose X-Forwarded-For names the client and whose X-Forwarded-Proto: https makes the session cookie Secure (--role all adds loopback)"),
        (Roles.Runner, "ALLOWED_ORIGINS", "browser origins allowed by CORS, comma separated (default none: no CORS headers)"),
        (Roles.Runner, "Runner__MaxRequestBytes", "largest request body (default 1048576; 413 above)"),
        (Roles.Runner, "Runner__MaxBatchSize", "submissions in one batch (default 20)"),
        (Roles.Runner, "Runner__SessionHours", "browser session lifetime in hours (default 168)"),
        (Roles.Runner, "Runner__JudgeTimeoutSeconds", "longest wait for the judge tier per call (default 90; 504 above)"),
        (Roles.Runner, "MONGO_URL", "MongoDB for keys, sessions, history and settings; unset = SQLite"),
        (Roles.Runner, "Runner__Sqlite", "SQLite file used when MONGO_URL is unset (default runner.db)"),
        (Roles.JudgeServer | Roles.JudgeWorker, "POSTGRES_URL / DATABASE_URL", "PostgreSQL (postgres://user:pass@host:port/db?sslmode=require or Npgsql Key=Value); unset = SQLite"),
        (Roles.JudgeServer | Roles.JudgeWorker, "REDIS_URL (or REDIS_HOST/PORT/PASSWORD)", "Redis job queue and wake-ups (redis:// or rediss://); unset = in-process queue"),
        (Roles.JudgeServer | Roles.JudgeWorker, "Storage__RedisPrefix", "prefix of every Redis key (default coderunner:)"),
        (Roles.JudgeServer | Roles.JudgeWorker, "Storage__VisibilityTimeoutSeconds", "a job whose worker stops renewing it is delivered again after this (default 30)"),
        (Roles.JudgeServer | Roles.JudgeWorker, "Storage__Sqlite", "SQLite file used when no database URL is set (default coderunner.db)"),
        (Roles.JudgeServer, "Judge__Urls", "judge API listen URLs (default http://127.0.0.1:2358)"),
        (Roles.JudgeServer, "AUTHN_HEADER / AUTHN_TOKEN", "authentication header name and token(s), space-separated (Judge0 names)"),
        (Roles.JudgeServer, "TRUSTED_CALLER_TOKENS", "tokens whose requests may name their caller in X-CodeRunner-Caller for the fair queue (default the first AUTHN_TOKEN)"),
        (Roles.JudgeServer, "AUTHZ_HEADER / AUTHZ_TOKEN", "authorization header name and token(s) for admin endpoints"),
        (Roles.JudgeServer, "MAX_QUEUE_SIZE", "submissions waiting before POST answers 503 queue is full (default 100)"),
        (Roles.JudgeServer, "CPU_TIME_LIMIT, MAX_CPU_TIME_LIMIT, ...", "every Judge0 configuration variable, same names and defaults (see /config_info)"),
        (Roles.JudgeServer, "ENABLE_WAIT_RESULT, MAINTENANCE_MODE", "Judge0 switches (wait=true allowed; answer 503 to writes)"),
        (Roles.JudgeServer | Roles.JudgeWorker, "CALLBACKS_ALLOWED_NETWORKS", "internal networks (CIDRs) callback_url may still point to, e.g. the receiving app's VPC (default none)"),
        (Roles.JudgeServer, "MAX_SOURCE_CODE_SIZE, MAX_STDIN_SIZE", "largest source / stdin accepted, bytes (default 64 KiB / 4 MiB)"),
        (Roles.JudgeServer, "MAX_REQUEST_BODY_SIZE", "largest request body, bytes (default 32 MiB; 413 above)"),
        (Roles.Lb, "JUDGE_SERVERS", "judge-servers to balance, comma separated (http://10.0.0.5:2358,http://10.0.0.6:2358); --role all: the local one"),
        (Roles.Lb, "Lb__Destinations__<name>", "judge-servers from configuration instead, one URL per name (used when JUDGE_SERVERS is unset)"),
        (Roles.Lb, "Lb__Urls", "lb listen URLs (default http://127.0.0.1:2358)"),
        (Roles.Lb, "Lb__HealthIntervalSeconds", "seconds between active probes of every judge-server's /health (default 2)"),
        (Roles.Lb, "Lb__HealthTimeoutSeconds", "a probe not answered within this failed (default 3)"),
        (Roles.Lb, "Lb__HealthThreshold", "failed probes in a row before a judge-server is out (default 3)"),
        (Roles.Lb, "Lb__HealthPath", "path the probes call (default /health)"),
        (Roles.Lb, "Lb__PassiveWindowSeconds", "passive check window: out when too many requests in it failed (default 5)"),
        (Roles.Lb, "Lb__FailureRateLimit", "share of failed requests in the window that takes it out (default 0.3)"),
        (Roles.Lb, "Lb__ReactivationSeconds", "a judge-server the passive check took out is tried again after this (default 7)"),
        (Roles.Lb, "Lb__ConnectTimeoutSeconds", "connecting to a judge-server longer than this fails over (default 2)"),
        (Roles.Lb, "Lb__MaxAttempts", "judge-servers tried for a request that never reached one (default 3)"),
        (Roles.Lb, "Lb__ActivityTimeoutSeconds", "a forwarded request with nothing moving for this long fails with 504 (default 120)"),
        (Roles.JudgeWorker, "Worker__Urls", "worker health endpoint listen URLs (default http://127.0.0.1:2360)"),
        (Roles.JudgeWorker, "Sandbox__Slots", "concurrent runs (default: number of cores)"),
        (Roles.JudgeWorker, "Sandbox__BoxRoot", "where per-run box folders live (default /var/lib/coderunner/boxes)"),
        (Roles.JudgeWorker, "Sandbox__UidBase", "first of the unprivileged uids, one per slot (default 60000)"),
        (Roles.JudgeWorker, "Worker__MaxAttempts", "deliveries before a job is dead-lettered as status 13 (default 3)"),
        (Roles.JudgeWorker, "Worker__CompileCacheMb", "memory for builds reused by identical submissions, e.g. a batch of test cases (default 256; 0 = off)"),
        (Roles.JudgeWorker, "Worker__StopGraceSeconds", "on SIGTERM, time running jobs get before they are handed back (default 20)"),
        (Roles.JudgeWorker, "MAX_EXTRACT_SIZE", "cap on unpacked additional_files, KB (default 10240)"),
        (Roles.JudgeWorker, "MAX_CPU_TIME_LIMIT, MAX_MEMORY_LIMIT, ...", "Judge0's maximum limits; compilation runs under them"),
        (Roles.JudgeWorker, "Sandbox__Cgroup", "auto, v1 or v2 (default auto)"),
        (Roles.JudgeWorker, "CALLBACKS_MAX_TRIES / CALLBACKS_TIMEOUT", "callback tries and seconds per try (Judge0 names; default 3 / 5)"),
        (Roles.JudgeWorker, "CALLBACKS_SECRET", "signs each callback: X-CodeRunner-Signature sha256=HMAC(secret, timestamp.body); unset = unsigned"),
        (Roles.Lb, "AUTHN_HEADER / AUTHN_TOKEN", "the judge tier's token: proxied requests without it get 401 at the lb (unset: passed through)"),
        (Roles.All, "LOG_FORMAT", "simple (default) or json: one JSON object per log line"),
        (Roles.All, "<Section>__AllowFrom, ALLOW_FROM", "source addresses/CIDRs this role accepts, others get 403 (Section: Client, Runner, Lb, Judge, Worker)"),
        (Roles.All, "OTEL_EXPORTER_OTLP_ENDPOINT", "send traces over OTLP (OTEL_EXPORTER_OTLP_PROTOCOL grpc or http/protobuf); unset = none"),
    ];

    public static void Write(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Roles:");
        foreach (var (name, role, does) in RoleNames.Known)
        {
            output.WriteLine($"  {name,-14}{does}");
        }
        output.WriteLine();
        output.WriteLine("Environment (any setting also works as Section__Key, e.g. Judge__Urls):");
        foreach (var (name, role, _) in RoleNames.Known.Where(k => k.Role != Roles.All))
        {
            var vars = Variables.Where(v => v.Roles.HasFlag(role)).ToList();
            if (vars.Count == 0)
            {
                continue;
            }
            output.WriteLine($"  {name}:");
            foreach (var v in vars)
            {
                output.WriteLine($"    {v.Name,-42}{v.Meaning}");
            }
        }
    }
}
