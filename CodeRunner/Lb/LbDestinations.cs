using CodeRunner.Hosting;
using CodeRunner.Judge.Server;

namespace CodeRunner.Lb;

/// <summary>One judge-server the lb forwards to.</summary>
internal sealed record LbDestination(string Name, string Address);

/// <summary>
/// Where the judge-servers are, from the first of: <c>JUDGE_SERVERS</c> (a comma list of URLs),
/// the <c>Lb:Destinations</c> section (a list, or names mapped to URLs), or, with the judge-server
/// in the same process (<c>--role all</c>), that judge-server's first listen URL.
/// </summary>
internal static class LbDestinations
{
    public const string Variable = "JUDGE_SERVERS";
    public const string Section = "Lb:Destinations";

    public static IReadOnlyList<LbDestination> Load(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (configuration[Variable] is { } list && !string.IsNullOrWhiteSpace(list))
        {
            return list.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select((url, i) => new LbDestination($"judge-{i + 1}", Parse(Variable, url)))
                .ToList();
        }
        var section = configuration.GetSection(Section).GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => new LbDestination(int.TryParse(c.Key, out var i) ? $"judge-{i + 1}" : c.Key, Parse($"{Section}:{c.Key}", c.Value!)))
            .ToList();
        if (section.Count > 0)
        {
            return section;
        }
        if (builder.Roles().HasFlag(Roles.JudgeServer)
            && configuration[JudgeServerModule.JudgeUrlsKey(builder)] is { } own
            && own.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } first)
        {
            var address = first.Replace("://0.0.0.0", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://+", "://127.0.0.1");
            return [new LbDestination("judge-local", Parse(JudgeServerModule.JudgeUrlsKey(builder), address))];
        }
        throw new InvalidOperationException(
            $"the lb has no judge-servers to forward to: set {Variable}=http://host:2358,http://host2:2358 (or {Section})");
    }

    /// <summary>An absolute http(s) URL with a host and nothing after the path; credentials are refused.</summary>
    internal static string Parse(string key, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(uri.Host)
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            var shown = url.Contains('@') ? "(a value with credentials, not shown)" : $"'{url}'";
            throw new InvalidOperationException($"{key}: {shown} is not a judge-server URL like http://10.0.0.5:2358");
        }
        if (uri.UserInfo.Length > 0)
        {
            throw new InvalidOperationException($"{key}: a judge-server URL must not carry credentials");
        }
        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
    }
}
