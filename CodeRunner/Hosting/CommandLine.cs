using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using CodeRunner.Runner.Keys;
using CodeRunner.Provisioning;
using CodeRunner.Storage;

namespace CodeRunner.Hosting;

/// <summary>
/// The command line: <c>coderunner --role X [flags]</c>, <c>coderunner migrate [--set ...]</c>, or
/// <c>coderunner provision [...]</c> (DigitalOcean, see CodeRunner/Provisioning).
/// Usage errors print one line naming the valid choices and exit 2.
/// </summary>
public static class CommandLine
{
    public const int UsageError = 2;

    public static async Task<int> InvokeAsync(string[] args, Func<RunOptions, CancellationToken, Task<int>> run)
    {
        var role = new Option<string>("--role", "-r")
        {
            Description = $"role(s) to run, comma separated: {RoleNames.Choices}",
            HelpName = "role",
        };
        var judgeUrls = new Option<string>("--judge-urls") { Description = "judge API listen URLs (Judge:Urls)", HelpName = "urls" };
        var workerUrls = new Option<string>("--worker-urls") { Description = "worker health listen URLs (Worker:Urls)", HelpName = "urls" };
        var settings = new Option<string[]>("--set")
        {
            Description = "any configuration value, e.g. --set Sandbox:Slots=4 (repeatable)",
            HelpName = "Section:Key=value",
            AllowMultipleArgumentsPerToken = false,
            // migrate reads the same configuration, so it takes the same overrides.
            Recursive = true,
        };

        var root = new RootCommand("CodeRunner: a Judge0 CE 1.13.1 compatible code execution service in one binary.");
        root.Options.Add(role);
        root.Options.Add(judgeUrls);
        root.Options.Add(workerUrls);
        root.Options.Add(settings);
        var migrate = new Command("migrate", "apply the database migrations to the configured PostgreSQL (POSTGRES_URL, DATABASE_URL, ...) and exit");
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(KeysCommands(settings));
        root.Subcommands.Add(ProvisionCommand.Create());
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithEnvironment((SynchronousCommandLineAction)help.Action!);

        root.SetAction(async (parse, ct) =>
        {
            var roleValue = parse.GetValue(role);
            if (string.IsNullOrWhiteSpace(roleValue))
            {
                return Fail($"--role is required; valid roles: {RoleNames.Choices}");
            }
            var roles = RoleNames.Parse(roleValue, out var error);
            if (roles is null)
            {
                return Fail(error!);
            }
            var overrides = Overrides(parse.GetValue(settings), out var setError);
            if (overrides is null)
            {
                return Fail(setError!);
            }
            if (parse.GetValue(judgeUrls) is { } j)
            {
                overrides["Judge:Urls"] = j;
            }
            if (parse.GetValue(workerUrls) is { } w)
            {
                overrides["Worker:Urls"] = w;
            }
            return await run(new RunOptions(roles.Value, overrides), ct);
        });
        migrate.SetAction(async (parse, ct) =>
        {
            var overrides = Overrides(parse.GetValue(settings), out var setError);
            return overrides is null
                ? Fail(setError!)
                : await MigrateCommand.RunAsync(overrides, Console.Out, Console.Error, ct);
        });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return Fail($"{parsed.Errors[0].Message} (run with --help; valid roles: {RoleNames.Choices})");
        }
        // The host handles SIGTERM itself (a worker may spend its whole grace period handing jobs
        // back); System.CommandLine would otherwise kill the process 2 s after the signal.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary><c>keys create --name N</c> (prints the key once), <c>keys list</c>, <c>keys revoke --name N</c>.</summary>
    private static Command KeysCommands(Option<string[]> settings)
    {
        var keys = new Command("keys", "manage the runner's API keys (in MONGO_URL's database or the SQLite file Runner:Sqlite; only hashes are stored)");
        foreach (var action in Enum.GetValues<KeysCommand.Action>())
        {
            var name = new Option<string>("--name") { Description = "the key's name", Required = action != KeysCommand.Action.List };
            var command = new Command(action.ToString().ToLowerInvariant(), action switch
            {
                KeysCommand.Action.Create => "create a key and print it, once, alone on stdout",
                KeysCommand.Action.Revoke => "revoke the key with this name",
                _ => "list keys: name, created, active or revoked",
            });
            if (action != KeysCommand.Action.List)
            {
                command.Options.Add(name);
            }
            command.SetAction(async (parse, ct) =>
            {
                var overrides = Overrides(parse.GetValue(settings), out var setError);
                return overrides is null
                    ? Fail(setError!)
                    : await KeysCommand.RunAsync(action, parse.GetValue(name), overrides, Console.Out, Console.Error, ct);
            });
            keys.Subcommands.Add(command);
        }
        return keys;
    }

    private static Dictionary<string, string?>? Overrides(string[]? items, out string? error)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items ?? [])
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                error = $"--set needs Section:Key=value, got '{item}'";
                return null;
            }
            overrides[item[..eq].Trim()] = item[(eq + 1)..];
        }
        error = null;
        return overrides;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"coderunner: {message}");
        return UsageError;
    }

    private sealed class HelpWithEnvironment(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = inner.Invoke(parseResult);
            EnvironmentHelp.Write(parseResult.InvocationConfiguration.Output);
            return code;
        }
    }
}
