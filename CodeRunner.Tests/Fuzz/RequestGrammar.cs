using CodeRunner.Hosting;

namespace CodeRunner.Tests.Fuzz;

/// <summary>
/// Requests to one role's listener: one of its mapped endpoints (or a path it does not map), the
/// path parameters, query and headers drawn from valid, almost valid and hostile values, the
/// credentials right, wrong or missing, and a body from <see cref="JsonGrammar"/>.
/// </summary>
internal sealed class RequestGrammar(Random random, FuzzChain chain, Dictionary<Roles, List<MappedEndpoint>> catalogue)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] QueryKeys =
        ["wait", "base64_encoded", "fields", "page", "per_page", "tokens", "X-Auth-Token", "X-Auth-User", "id", "token", "a[]", "submissions[][x]"];

    private readonly JsonGrammar _bodies = new(random);

    public FuzzRequest Next(Roles role)
    {
        var endpoint = random.Next(12) == 0 ? new MappedEndpoint(Junk(), []) : Pick(catalogue[role]);
        var path = Fill(role, endpoint.Pattern);
        var method = endpoint.Methods.Count > 0 && random.Next(7) > 0 ? One(endpoint.Methods) : One(Methods);
        var headers = Credentials(role).Concat(Extras()).ToList();
        byte[]? body = null;
        string? contentType = null;
        if (method is "POST" or "PUT" or "PATCH" ? random.Next(8) > 0 : random.Next(8) == 0)
        {
            (body, contentType) = _bodies.Next();
        }
        return new FuzzRequest(method, path + Query(), headers, body, contentType, body is not null && random.Next(3) == 0);
    }

    /// <summary>The lb proxies the judge-server's paths, the client's /api the runner's.</summary>
    private string Fill(Roles role, string pattern)
    {
        if (pattern.Contains("{**catch-all}") || (role == Roles.Lb && pattern == "/"))
        {
            return Fill(Roles.JudgeServer, Pick(catalogue[Roles.JudgeServer]).Pattern);
        }
        if (pattern.StartsWith("/api/{**", StringComparison.Ordinal))
        {
            return "/api" + Fill(Roles.Runner, Pick(catalogue[Roles.Runner]).Pattern);
        }
        var segments = pattern.Split('/').Select(segment => segment.StartsWith('{') ? Parameter(segment.Trim('{', '}', '*').Split(':', '?')[0]) : segment);
        var path = string.Join('/', segments);
        return random.Next(15) == 0 ? path + "/" + Segment() : path;
    }

    private string Parameter(string name) => name switch
    {
        "token" => random.Next(3) > 0 ? One(chain.Tokens) : Segment(),
        "id" => One(["71", "43", "0", "-1", "99999", "2147483648", "abc", "71.0", " 71", Segment()]),
        _ => One(["assets/app.js", "index.html", "../../etc/passwd", "app-NOPE.css", Segment()]),
    };

    /// <summary>A path segment: a UUID, junk, a percent-encoding of bytes that are not UTF-8, a very long one.</summary>
    private string Segment() => random.Next(8) switch
    {
        0 => Guid.NewGuid().ToString(),
        1 => "%FF%FE",
        2 => "%C3%28",
        3 => "%00",
        4 => "..%2F..%2F",
        5 => new string('a', One([300, 5000, 9000])),
        6 => "batch",
        _ => Uri.EscapeDataString(Text(random.Next(1, 12))),
    };

    private string Junk() => One(["/", "/nothing", "/submissions/", "//submissions", "/api", "/api/", "/api/../health", "/health/", "/metrics/x", "/%FF", "/" + Segment()]);

    private string Query()
    {
        if (random.Next(5) < 2)
        {
            return "";
        }
        var pairs = Enumerable.Range(0, random.Next(1, 5)).Select(_ => $"{Uri.EscapeDataString(random.Next(6) == 0 ? Text(4) : One(QueryKeys))}={QueryValue()}");
        return "?" + string.Join("&", pairs);
    }

    private string QueryValue() => random.Next(4) == 0
        ? One(["%FF", "%C3%28", "%", "%E2%82", "%00", ""])
        : Uri.EscapeDataString(One([
            "true", "false", "yes", "1", "", "*", "stdout,token", "foo", ",", "stdout,,x", "*,execution_host", "0", "-1", "abc",
            "99999999999999999999", "2", string.Join(",", chain.Tokens), " a", FuzzChain.TierToken, FuzzChain.AdminToken, Text(8),
        ]));

    private IEnumerable<(string, string)> Credentials(Roles role)
    {
        var pick = random.Next(10);
        if (role is Roles.Runner or Roles.Client)
        {
            return pick switch
            {
                < 3 => [("X-Session-Token", chain.Session)],
                < 5 => [("X-Api-Key", chain.ApiKey)],
                5 => [("Cookie", $"coderunner_session={chain.Session}")],
                6 => [("Authorization", "Bearer " + One([chain.ApiKey, "x", ""]))],
                7 => [(One(["X-Session-Token", "X-Api-Key", "Cookie"]), HeaderValue())],
                _ => [],
            };
        }
        return pick switch
        {
            < 7 => [("X-Auth-Token", FuzzChain.TierToken), .. random.Next(2) == 0 ? [("X-Auth-User", FuzzChain.AdminToken)] : Array.Empty<(string, string)>()],
            < 9 => [(One(["X-Auth-Token", "X-Auth-User"]), HeaderValue())],
            _ => [],
        };
    }

    private IEnumerable<(string, string)> Extras()
    {
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            yield return random.Next(9) switch
            {
                0 => ("Accept", One(["application/json", "text/html", "*/*", "", HeaderValue()])),
                1 => ("Accept-Encoding", One(["gzip", "br", "identity", "gzip;q=0", HeaderValue()])),
                2 => ("If-None-Match", One(["\"x\"", "*", "W/\"abc\"", HeaderValue()])),
                3 => ("Origin", One(["https://ide.example.com", "null", HeaderValue()])),
                4 => ("X-Forwarded-For", One(["203.0.113.9", "1.2.3.4, 5.6.7.8", "not an ip", "::1", HeaderValue()])),
                5 => ("Expect", "100-continue"),
                6 => ("Content-Type", One(["application/json", "text/plain", HeaderValue()])),
                7 => ("Range", One(["bytes=0-10", "bytes=x", HeaderValue()])),
                _ => ("X-" + Text(5).Where(char.IsAsciiLetterOrDigit).Aggregate("F", (a, c) => a + c), HeaderValue()),
            };
        }
    }

    /// <summary>Header bytes (sent as Latin-1, so 0x80–0xFF go out raw): printable ASCII, or ones that are not UTF-8.</summary>
    private string HeaderValue() => random.Next(10) switch
    {
        0 => "\u00ff\u00fe",
        1 => "caf\u00c3\u0028",
        2 => new string('h', One([10, 5000, 20000])),
        _ => new string(Enumerable.Range(0, random.Next(1, 20)).Select(_ => (char)random.Next(0x20, 0x7f)).ToArray()),
    };

    private string Text(int length) => new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x250)).ToArray());

    /// <summary>An endpoint, those that take a body (or any method: the proxies) three times as often.</summary>
    private MappedEndpoint Pick(List<MappedEndpoint> endpoints)
    {
        var weighted = endpoints.SelectMany(e => Enumerable.Repeat(e, e.Methods.Count == 0 || e.Methods.Any(m => m is "POST" or "PUT") ? 3 : 1)).ToList();
        return One(weighted);
    }

    private T One<T>(IReadOnlyList<T> choices) => choices[random.Next(choices.Count)];
}
