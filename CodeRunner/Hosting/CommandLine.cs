using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace CodeRunner.Hosting;

/// <summary>
/// The command line: <c>coderunner --role X [flags]</c>. Usage errors print one line naming the
/// valid choices and exit 2.
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
        };

        var root = new RootCommand("CodeRunner: a Judge0 CE 1.13.1 compatible code execution service in one binary.");
        root.Options.Add(role);
        root.Options.Add(judgeUrls);
        root.Options.Add(workerUrls);
        root.Options.Add(settings);
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
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in parse.GetValue(settings) ?? [])
            {
                var eq = item.IndexOf('=');
                if (eq <= 0)
                {
                    return Fail($"--set needs Section:Key=value, got '{item}'");
                }
                overrides[item[..eq].Trim()] = item[(eq + 1)..];
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

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return Fail($"{parsed.Errors[0].Message} (run with --help; valid roles: {RoleNames.Choices})");
        }
        return await parsed.InvokeAsync();
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
