using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CodeRunner.Provisioning.DigitalOcean;

/// <summary>
/// A typed client for the DigitalOcean v2 API: bearer token, JSON bodies, every page of a list
/// (<c>links.pages.next</c>), and 429s waited out (<c>Retry-After</c>, else <c>RateLimit-Reset</c>).
/// </summary>
internal sealed class DigitalOceanClient(HttpClient http, Action<string> progress)
{
    private const int MaxAttempts = 6;
    private const int MaxPages = 500;
    private static readonly TimeSpan MaxRateLimitWait = TimeSpan.FromSeconds(60);
    private static DigitalOceanJson Json => DigitalOceanJson.Default;

    public static HttpClient CreateHttp(Uri apiUrl, string token)
    {
        var http = new HttpClient { BaseAddress = apiUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("coderunner-provision", "1"));
        return http;
    }

    public Task<List<Vpc>> VpcsAsync(CancellationToken ct) =>
        ListAsync("/v2/vpcs", Json.VpcPage, p => p.Vpcs, p => p.Links, ct);

    public async Task<Vpc> CreateVpcAsync(VpcCreate body, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "/v2/vpcs", body, Json.VpcCreate, Json.VpcEnvelope, ct)).Vpc;

    public Task<List<Tag>> TagsAsync(CancellationToken ct) =>
        ListAsync("/v2/tags", Json.TagPage, p => p.Tags, p => p.Links, ct);

    public async Task<Tag> CreateTagAsync(string name, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "/v2/tags", new TagCreate(name), Json.TagCreate, Json.TagEnvelope, ct)).Tag;

    public Task<List<Droplet>> DropletsAsync(string tag, CancellationToken ct) =>
        ListAsync($"/v2/droplets?tag_name={Uri.EscapeDataString(tag)}", Json.DropletPage, p => p.Droplets, p => p.Links, ct);

    public async Task<Droplet> DropletAsync(long id, CancellationToken ct) =>
        (await GetAsync($"/v2/droplets/{id}", Json.DropletEnvelope, ct)).Droplet;

    public async Task<Droplet> CreateDropletAsync(DropletCreate body, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "/v2/droplets", body, Json.DropletCreate, Json.DropletEnvelope, ct)).Droplet;

    public Task<List<Database>> DatabasesAsync(CancellationToken ct) =>
        ListAsync("/v2/databases", Json.DatabasePage, p => p.Databases, p => p.Links, ct);

    public async Task<Database> DatabaseAsync(string id, CancellationToken ct) =>
        (await GetAsync($"/v2/databases/{Uri.EscapeDataString(id)}", Json.DatabaseEnvelope, ct)).Database;

    public async Task<Database> CreateDatabaseAsync(DatabaseCreate body, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "/v2/databases", body, Json.DatabaseCreate, Json.DatabaseEnvelope, ct)).Database;

    public async Task<IReadOnlyList<TrustedSource>> TrustedSourcesAsync(string databaseId, CancellationToken ct) =>
        (await GetAsync($"/v2/databases/{Uri.EscapeDataString(databaseId)}/firewall", Json.TrustedSources, ct)).Rules ?? [];

    /// <summary>Replaces the database's trusted sources (204, no body).</summary>
    public Task SetTrustedSourcesAsync(string databaseId, IReadOnlyList<TrustedSource> rules, CancellationToken ct) =>
        SendAsync<TrustedSources, ApiError>(HttpMethod.Put, $"/v2/databases/{Uri.EscapeDataString(databaseId)}/firewall",
            new TrustedSources(rules), Json.TrustedSources, null, ct);

    public Task<List<Firewall>> FirewallsAsync(CancellationToken ct) =>
        ListAsync("/v2/firewalls", Json.FirewallPage, p => p.Firewalls, p => p.Links, ct);

    public async Task<Firewall> CreateFirewallAsync(FirewallBody body, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "/v2/firewalls", body, Json.FirewallBody, Json.FirewallEnvelope, ct)).Firewall;

    public async Task<Firewall> UpdateFirewallAsync(string id, FirewallBody body, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Put, $"/v2/firewalls/{Uri.EscapeDataString(id)}", body, Json.FirewallBody, Json.FirewallEnvelope, ct)).Firewall;

    private async Task<List<T>> ListAsync<TPage, T>(
        string path, JsonTypeInfo<TPage> info, Func<TPage, IReadOnlyList<T>?> items, Func<TPage, PageLinks?> links, CancellationToken ct)
    {
        var all = new List<T>();
        string? next = path + (path.Contains('?') ? "&" : "?") + "per_page=200";
        for (var pages = 0; next is not null; pages++)
        {
            if (pages == MaxPages)
            {
                throw new DigitalOceanException($"GET {path}: more than {MaxPages} pages");
            }
            var page = await GetAsync(next, info, ct);
            all.AddRange(items(page) ?? []);
            next = links(page)?.Pages?.Next is { Length: > 0 } n ? SameOrigin(n) : null;
        }
        return all;
    }

    /// <summary>
    /// Follows a <c>next</c> link as a path on the configured API, so the token is only ever
    /// sent to that host whatever a response says.
    /// </summary>
    private static string SameOrigin(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : link;

    private async Task<TResponse> GetAsync<TResponse>(string path, JsonTypeInfo<TResponse> info, CancellationToken ct) =>
        await SendAsync<ApiError, TResponse>(HttpMethod.Get, path, null, null, info, ct)
        ?? throw new DigitalOceanException($"GET {PathOnly(path)}: empty response");

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestInfo, JsonTypeInfo<TResponse>? responseInfo,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null && requestInfo is not null)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body, requestInfo), Encoding.UTF8, "application/json");
            }
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts)
            {
                var wait = RetryDelay(response);
                progress($"rate limited by the API ({method} {PathOnly(path)}); retrying in {wait.TotalSeconds:0.#}s");
                await Task.Delay(wait, ct);
                continue;
            }
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new DigitalOceanException($"{method} {PathOnly(path)}: {(int)response.StatusCode} {Describe(text)}", response.StatusCode);
            }
            if (responseInfo is null || text.Length == 0)
            {
                return default!;
            }
            try
            {
                return JsonSerializer.Deserialize(text, responseInfo)
                    ?? throw new DigitalOceanException($"{method} {PathOnly(path)}: empty response");
            }
            catch (JsonException e)
            {
                throw new DigitalOceanException($"{method} {PathOnly(path)}: unexpected response ({e.Message})");
            }
        }
    }

    internal static TimeSpan RetryDelay(HttpResponseMessage response)
    {
        TimeSpan? wait = null;
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        }
        else if (response.Headers.TryGetValues("RateLimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            wait = DateTimeOffset.FromUnixTimeSeconds(epoch) - DateTimeOffset.UtcNow;
        }
        var seconds = Math.Clamp((wait ?? TimeSpan.FromSeconds(1)).TotalSeconds, 1, MaxRateLimitWait.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    private static string PathOnly(string path) => path.Split('?', 2)[0];

    private static string Describe(string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, Json.ApiError);
            if (error?.Id is not null || error?.Message is not null)
            {
                return $"{error.Id}: {error.Message}";
            }
        }
        catch (JsonException)
        {
        }
        return body.Length > 200 ? body[..200] : body;
    }
}

internal sealed class DigitalOceanException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
