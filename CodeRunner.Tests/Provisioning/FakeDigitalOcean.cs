using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodeRunner.Tests.Provisioning;

/// <summary>One request the fake received, as it received it, and what it answered.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Body, int Status)
{
    public bool IsWrite => Method != "GET";
}

/// <summary>
/// A local stand-in for the DigitalOcean v2 API on real Kestrel (loopback): state in memory, every
/// request recorded, bodies checked against the documented fields (422 like the API), Droplets
/// "new" then "active" with private addresses after a few polls, databases "creating" then
/// "online", lists paged by a small page size with <c>links.pages.next</c> and <c>meta.total</c>,
/// and, when asked, one 429 with <c>Retry-After</c>.
/// </summary>
public sealed class FakeDigitalOcean : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, int> _polls = [];
    private long _nextDropletId = 100_000;
    private int _nextAddress = 2;

    private FakeDigitalOcean(string token)
    {
        Token = token;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public string Token { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Lists answer at most this many items a page, whatever per_page asks.</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>GETs of a Droplet or database before it is active / online.</summary>
    public int PollsUntilReady { get; set; } = 2;

    /// <summary>The next Droplet create is answered 429 with Retry-After: 1 (once).</summary>
    public bool RateLimitNextDropletCreate { get; set; }

    public List<JsonObject> Vpcs { get; } = [];

    public List<string> Tags { get; } = [];

    public List<JsonObject> Droplets { get; } = [];

    public List<JsonObject> Databases { get; } = [];

    public Dictionary<string, JsonArray> DatabaseRules { get; } = [];

    public List<JsonObject> Firewalls { get; } = [];

    /// <summary>Every database password the fake handed out, so tests can look for them in output.</summary>
    public List<string> Passwords { get; } = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_lock) { return _requests.ToList(); } }
    }

    public static async Task<FakeDigitalOcean> StartAsync(string token)
    {
        var fake = new FakeDigitalOcean(token);
        await fake._app.StartAsync();
        fake.Url = new Uri(fake._app.Urls.First());
        return fake;
    }

    public void ClearRequests()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }

    public JsonObject Droplet(string name) => Droplets.Single(d => (string)d["name"]! == name);

    public string UserData(string dropletName) => (string)Droplet(dropletName)["user_data_received"]!;

    public string PrivateIp(string dropletName) =>
        Droplet(dropletName)["networks"]!["v4"]!.AsArray().Single(n => (string)n!["type"]! == "private")!["ip_address"]!.GetValue<string>();

    public JsonObject Database(string name) => Databases.Single(d => (string)d["name"]! == name);

    public JsonObject Firewall(string name) => Firewalls.Single(f => (string)f["name"]! == name);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        int status;
        string? json;
        lock (_lock)
        {
            (status, json) = Answer(context, body);
            _requests.Add(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", body, status));
        }
        context.Response.StatusCode = status;
        context.Response.Headers["RateLimit-Limit"] = "5000";
        context.Response.Headers["RateLimit-Remaining"] = status == 429 ? "0" : "4999";
        context.Response.Headers["RateLimit-Reset"] = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
        if (status == 429)
        {
            context.Response.Headers.RetryAfter = "1";
        }
        if (json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        }
    }

    private (int, string?) Answer(HttpContext context, string text)
    {
        var request = context.Request;
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Error(401, "unauthorized", "Unable to authenticate you");
        }
        var segments = (request.Path.Value ?? "").Trim('/').Split('/');
        if (segments is not ["v2", _, ..])
        {
            return NotFound();
        }
        JsonObject? body = null;
        if (request.Method is "POST" or "PUT")
        {
            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                return Error(400, "bad_request", "Content-Type must be application/json");
            }
            try
            {
                body = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
            }
            if (body is null)
            {
                return Error(400, "bad_request", "the body must be a JSON object");
            }
        }
        return (request.Method, segments[1..]) switch
        {
            ("GET", ["vpcs"]) => Page(context, "vpcs", Vpcs),
            ("POST", ["vpcs"]) => CreateVpc(body!),
            ("GET", ["tags"]) => Page(context, "tags", Tags.Select(t => new JsonObject { ["name"] = t }).ToList()),
            ("POST", ["tags"]) => CreateTag(body!),
            ("GET", ["droplets"]) => Page(context, "droplets", Droplets
                .Where(d => request.Query["tag_name"].ToString() is not { Length: > 0 } tag || TagsOf(d).Contains(tag))
                .Select(Public).ToList()),
            ("POST", ["droplets"]) => CreateDroplet(body!),
            ("GET", ["droplets", var id]) => Poll(Droplets.FirstOrDefault(d => d["id"]!.ToString() == id), "droplet"),
            ("GET", ["databases"]) => Page(context, "databases", Databases),
            ("POST", ["databases"]) => CreateDatabase(body!),
            ("GET", ["databases", var id]) => Poll(Databases.FirstOrDefault(d => (string)d["id"]! == id), "database"),
            ("GET", ["databases", var id, "firewall"]) => DatabaseRules.TryGetValue(id, out var rules)
                ? Ok(200, new JsonObject { ["rules"] = rules.DeepClone() })
                : NotFound(),
            ("PUT", ["databases", var id, "firewall"]) => SetDatabaseRules(id, body!),
            ("GET", ["firewalls"]) => Page(context, "firewalls", Firewalls),
            ("POST", ["firewalls"]) => CreateFirewall(body!),
            ("PUT", ["firewalls", var id]) => UpdateFirewall(id, body!),
            _ => NotFound(),
        };
    }

    private (int, string?) CreateVpc(JsonObject body)
    {
        if (FakeDigitalOceanSchema.VpcCreate(body) is { } error)
        {
            return Invalid(error);
        }
        if (Vpcs.Any(v => (string)v["name"]! == (string)body["name"]!))
        {
            return Invalid("a VPC with this name already exists");
        }
        var vpc = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["urn"] = "do:vpc:x",
            ["name"] = (string)body["name"]!,
            ["description"] = (string?)body["description"] ?? "",
            ["region"] = (string)body["region"]!,
            ["ip_range"] = (string?)body["ip_range"] ?? "10.99.0.0/20",
            ["default"] = false,
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        Vpcs.Add(vpc);
        return Ok(201, new JsonObject { ["vpc"] = vpc.DeepClone() });
    }

    private (int, string?) CreateTag(JsonObject body)
    {
        if (FakeDigitalOceanSchema.TagCreate(body) is { } error)
        {
            return Invalid(error);
        }
        var name = (string)body["name"]!;
        if (!Tags.Contains(name))
        {
            Tags.Add(name);
        }
        return Ok(201, new JsonObject { ["tag"] = new JsonObject { ["name"] = name, ["resources"] = new JsonObject { ["count"] = 0 } } });
    }

    private (int, string?) CreateDroplet(JsonObject body)
    {
        if (RateLimitNextDropletCreate)
        {
            RateLimitNextDropletCreate = false;
            return Error(429, "too_many_requests", "API Rate limit exceeded.");
        }
        if (FakeDigitalOceanSchema.DropletCreate(body, id => Vpcs.Any(v => (string)v["id"]! == id)) is { } error)
        {
            return Invalid(error);
        }
        var tags = body["tags"] is JsonArray t ? t.Select(x => (string)x!).ToList() : [];
        Tags.AddRange(tags.Where(x => !Tags.Contains(x)).Distinct());
        var id = _nextDropletId++;
        var droplet = new JsonObject
        {
            ["id"] = id,
            ["name"] = (string)body["name"]!,
            ["memory"] = 2048,
            ["vcpus"] = 1,
            ["disk"] = 50,
            ["locked"] = false,
            ["status"] = "new",
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["features"] = new JsonArray(),
            ["image"] = new JsonObject { ["slug"] = body["image"]!.ToString() },
            ["size_slug"] = (string)body["size"]!,
            ["networks"] = new JsonObject { ["v4"] = new JsonArray(), ["v6"] = new JsonArray() },
            ["region"] = new JsonObject { ["slug"] = (string)body["region"]! },
            ["tags"] = new JsonArray(tags.Select(x => (JsonNode)x).ToArray()),
            ["vpc_uuid"] = (string?)body["vpc_uuid"] ?? "",
            // Kept for the tests only; the API never echoes user data back.
            ["user_data_received"] = (string?)body["user_data"] ?? "",
            ["request"] = body.DeepClone(),
        };
        Droplets.Add(droplet);
        return Ok(202, new JsonObject
        {
            ["droplet"] = Public(droplet),
            ["links"] = new JsonObject { ["actions"] = new JsonArray(new JsonObject { ["id"] = id, ["rel"] = "create", ["href"] = $"{Url}v2/actions/{id}" }) },
        });
    }

    private (int, string?) CreateDatabase(JsonObject body)
    {
        if (FakeDigitalOceanSchema.DatabaseCreate(body) is { } error)
        {
            return Invalid(error);
        }
        var name = (string)body["name"]!;
        if (Databases.Any(d => (string)d["name"]! == name))
        {
            return Invalid("a database cluster with this name already exists");
        }
        if (body["private_network_uuid"] is { } vpc && Vpcs.All(v => (string)v["id"]! != (string)vpc!))
        {
            return Invalid("private_network_uuid does not name an existing VPC");
        }
        var engine = (string)body["engine"]!;
        var password = "pw" + Guid.NewGuid().ToString("N")[..16];
        Passwords.Add(password);
        var id = Guid.NewGuid().ToString();
        JsonObject Connection(string host) => engine switch
        {
            "pg" => new() { ["uri"] = $"postgresql://doadmin:{password}@{host}:25060/defaultdb?sslmode=require", ["database"] = "defaultdb", ["host"] = host, ["port"] = 25060, ["user"] = "doadmin", ["password"] = password, ["ssl"] = true },
            "redis" or "valkey" => new() { ["uri"] = $"rediss://default:{password}@{host}:25061", ["database"] = "", ["host"] = host, ["port"] = 25061, ["user"] = "default", ["password"] = password, ["ssl"] = true },
            _ => new() { ["uri"] = $"mongodb+srv://doadmin:{password}@{host}/admin?tls=true&authSource=admin", ["database"] = "admin", ["host"] = host, ["port"] = 27017, ["user"] = "doadmin", ["password"] = password, ["ssl"] = true },
        };
        var database = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["engine"] = engine,
            ["version"] = (string?)body["version"] ?? "16",
            ["num_nodes"] = (int)body["num_nodes"]!,
            ["size"] = (string)body["size"]!,
            ["region"] = (string)body["region"]!,
            ["status"] = "creating",
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["private_network_uuid"] = (string?)body["private_network_uuid"] ?? "",
            ["tags"] = body["tags"]?.DeepClone() ?? new JsonArray(),
            ["connection"] = Connection($"{name}-do-user-1-0.db.ondigitalocean.com"),
            ["private_connection"] = Connection($"private-{name}-do-user-1-0.db.ondigitalocean.com"),
        };
        Databases.Add(database);
        DatabaseRules[id] = Rules(id, body["rules"] as JsonArray);
        return Ok(201, new JsonObject { ["database"] = database.DeepClone() });
    }

    private (int, string?) SetDatabaseRules(string id, JsonObject body)
    {
        if (!DatabaseRules.ContainsKey(id))
        {
            return NotFound();
        }
        if (FakeDigitalOceanSchema.DatabaseFirewall(body) is { } error)
        {
            return Invalid(error);
        }
        DatabaseRules[id] = Rules(id, (JsonArray)body["rules"]!);
        return (204, null);
    }

    private static JsonArray Rules(string clusterId, JsonArray? rules) =>
        new((rules ?? []).Select(r => (JsonNode)new JsonObject
        {
            ["uuid"] = Guid.NewGuid().ToString(),
            ["cluster_uuid"] = clusterId,
            ["type"] = (string)r!["type"]!,
            ["value"] = (string)r["value"]!,
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
        }).ToArray());

    private (int, string?) CreateFirewall(JsonObject body)
    {
        if (FakeDigitalOceanSchema.Firewall(body, Tags.Contains) is { } error)
        {
            return Invalid(error);
        }
        if (Firewalls.Any(f => (string)f["name"]! == (string)body["name"]!))
        {
            return Invalid("a firewall with this name already exists");
        }
        var firewall = FirewallFrom(Guid.NewGuid().ToString(), body);
        Firewalls.Add(firewall);
        return Ok(202, new JsonObject { ["firewall"] = firewall.DeepClone() });
    }

    private (int, string?) UpdateFirewall(string id, JsonObject body)
    {
        var index = Firewalls.FindIndex(f => (string)f["id"]! == id);
        if (index < 0)
        {
            return NotFound();
        }
        if (FakeDigitalOceanSchema.Firewall(body, Tags.Contains) is { } error)
        {
            return Invalid(error);
        }
        Firewalls[index] = FirewallFrom(id, body);
        return Ok(200, new JsonObject { ["firewall"] = Firewalls[index].DeepClone() });
    }

    private static JsonObject FirewallFrom(string id, JsonObject body) => new()
    {
        ["id"] = id,
        ["status"] = "succeeded",
        ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
        ["pending_changes"] = new JsonArray(),
        ["name"] = (string)body["name"]!,
        ["droplet_ids"] = body["droplet_ids"]?.DeepClone() ?? new JsonArray(),
        ["tags"] = body["tags"]?.DeepClone() ?? new JsonArray(),
        ["inbound_rules"] = body["inbound_rules"]?.DeepClone() ?? new JsonArray(),
        ["outbound_rules"] = body["outbound_rules"]?.DeepClone() ?? new JsonArray(),
    };

    /// <summary>A GET of one Droplet or database: after a few polls it is ready.</summary>
    private (int, string?) Poll(JsonObject? resource, string key)
    {
        if (resource is null)
        {
            return NotFound();
        }
        var id = resource["id"]!.ToString();
        _polls[id] = _polls.GetValueOrDefault(id) + 1;
        if (_polls[id] >= PollsUntilReady)
        {
            if (key == "droplet" && (string)resource["status"]! == "new")
            {
                var range = Vpcs.FirstOrDefault(v => (string)v["id"]! == (string)resource["vpc_uuid"]!)?["ip_range"]?.ToString() ?? "10.99.0.0/20";
                var prefix = string.Join('.', range.Split('/')[0].Split('.')[..3]);
                var n = _nextAddress++;
                resource["status"] = "active";
                resource["networks"]!["v4"] = new JsonArray(
                    new JsonObject { ["ip_address"] = $"{prefix}.{n}", ["netmask"] = "255.255.0.0", ["gateway"] = "", ["type"] = "private" },
                    new JsonObject { ["ip_address"] = $"203.0.113.{n}", ["netmask"] = "255.255.255.0", ["gateway"] = "203.0.113.1", ["type"] = "public" });
            }
            else if (key == "database" && (string)resource["status"]! == "creating")
            {
                resource["status"] = "online";
            }
        }
        return Ok(200, new JsonObject { [key] = key == "droplet" ? Public(resource) : resource.DeepClone() });
    }

    private (int, string?) Page(HttpContext context, string key, List<JsonObject> all)
    {
        var query = context.Request.Query;
        var page = int.TryParse(query["page"], out var p) && p > 0 ? p : 1;
        var requested = int.TryParse(query["per_page"], out var pp) ? pp : 20;
        if (requested is < 1 or > 200)
        {
            return Invalid("per_page must be between 1 and 200");
        }
        var size = Math.Min(requested, PageSize);
        var last = Math.Max(1, (all.Count + size - 1) / size);
        var result = new JsonObject
        {
            [key] = new JsonArray(all.Skip((page - 1) * size).Take(size).Select(o => (JsonNode)o.DeepClone()).ToArray()),
            ["links"] = new JsonObject(),
            ["meta"] = new JsonObject { ["total"] = all.Count },
        };
        if (last > 1)
        {
            string Link(int n)
            {
                var rest = string.Join("&", query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}"));
                return $"{Url}{context.Request.Path.Value!.TrimStart('/')}?page={n}{(rest.Length > 0 ? "&" + rest : "")}";
            }
            var pages = new JsonObject();
            if (page > 1)
            {
                pages["first"] = Link(1);
                pages["prev"] = Link(page - 1);
            }
            if (page < last)
            {
                pages["next"] = Link(page + 1);
                pages["last"] = Link(last);
            }
            result["links"] = new JsonObject { ["pages"] = pages };
        }
        return Ok(200, result);
    }

    private static JsonObject Public(JsonObject droplet)
    {
        var copy = (JsonObject)droplet.DeepClone();
        copy.Remove("user_data_received");
        copy.Remove("request");
        return copy;
    }

    private static List<string> TagsOf(JsonObject droplet) => droplet["tags"]!.AsArray().Select(t => (string)t!).ToList();

    private static (int, string?) Ok(int status, JsonObject body) => (status, body.ToJsonString());

    private static (int, string?) Invalid(string message) => Error(422, "unprocessable_entity", message);

    private static (int, string?) NotFound() => Error(404, "not_found", "The resource you were accessing could not be found.");

    private static (int, string?) Error(int status, string id, string message) =>
        (status, new JsonObject { ["id"] = id, ["message"] = message, ["request_id"] = Guid.NewGuid().ToString() }.ToJsonString());
}
