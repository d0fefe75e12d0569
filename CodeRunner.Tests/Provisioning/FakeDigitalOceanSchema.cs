using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CodeRunner.Tests.Provisioning;

/// <summary>
/// The request bodies the fake accepts, field by field, as the DigitalOcean v2 API documents them
/// (digitalocean/openapi: droplet_single_create.yml + droplet_create.yml, vpc.yml, tags.yml,
/// database_cluster.yml, databases/firewall_rule.yml, firewalls/firewall.yml + firewall_rule.yml):
/// required fields present, types and enums right, unknown and read-only fields rejected.
/// Null means valid; otherwise the message the fake answers 422 with.
/// </summary>
internal static partial class FakeDigitalOceanSchema
{
    public static string? DropletCreate(JsonObject body, Func<string, bool> vpcExists) =>
        new Check(body)
            .Only("name", "region", "size", "image", "ssh_keys", "backups", "ipv6", "monitoring", "tags", "user_data",
                "private_networking", "vpc_uuid", "volumes", "with_droplet_agent", "backup_policy")
            .Required("name", "region", "size", "image")
            .String("name", DropletName())
            .String("region").String("size").StringOrInt("image")
            .Array("ssh_keys", Item.StringOrInt)
            .Bool("backups").Bool("ipv6").Bool("monitoring").Bool("private_networking").Bool("with_droplet_agent")
            .Array("tags", Item.String, TagName())
            .String("user_data", maxBytes: 64 * 1024)
            .Array("volumes", Item.String)
            .String("vpc_uuid")
            .Then(b => b["vpc_uuid"] is { } v && !vpcExists(v.GetValue<string>()) ? "vpc_uuid does not name an existing VPC" : null)
            .Error;

    public static string? VpcCreate(JsonObject body) =>
        new Check(body)
            .Only("name", "description", "region", "ip_range", "default")
            .Required("name", "region")
            .String("name", VpcName()).String("description", maxBytes: 255).String("region").Bool("default")
            .String("ip_range", PrivateCidr())
            .Error;

    public static string? TagCreate(JsonObject body) =>
        new Check(body).Only("name").Required("name").String("name", TagName()).Error;

    public static string? DatabaseCreate(JsonObject body) =>
        new Check(body)
            .Only("name", "engine", "version", "num_nodes", "size", "region", "private_network_uuid", "tags", "project_id",
                "rules", "storage_size_mib", "backup_restore", "do_settings")
            .Required("name", "engine", "num_nodes", "size", "region")
            .String("name").String("version").String("size").String("region").String("project_id")
            .String("engine", oneOf: ["pg", "mysql", "redis", "valkey", "mongodb", "kafka", "opensearch"])
            .Int("num_nodes", 1, 3).Int("storage_size_mib", 0, int.MaxValue)
            .String("private_network_uuid", Uuid())
            .Array("tags", Item.String)
            .Objects("rules", TrustedSource)
            .Error;

    public static string? DatabaseFirewall(JsonObject body) =>
        new Check(body).Only("rules").Required("rules").Objects("rules", TrustedSource).Error;

    public static string? Firewall(JsonObject body, Func<string, bool> tagExists)
    {
        var check = new Check(body)
            .Only("name", "droplet_ids", "tags", "inbound_rules", "outbound_rules")
            .Required("name")
            .String("name", FirewallName())
            .Array("droplet_ids", Item.Int)
            .Array("tags", Item.String, TagName())
            .Objects("inbound_rules", rule => Rule(rule, "sources", tagExists))
            .Objects("outbound_rules", rule => Rule(rule, "destinations", tagExists))
            .Then(b => (b["inbound_rules"] as JsonArray)?.Count > 0 || (b["outbound_rules"] as JsonArray)?.Count > 0
                ? null
                : "a firewall needs at least one inbound or outbound rule")
            .Then(b => Tags(b["tags"]).FirstOrDefault(t => !tagExists(t)) is { } missing ? $"tag {missing} does not exist" : null);
        return check.Error;
    }

    private static string? TrustedSource(JsonObject rule) =>
        new Check(rule)
            .Only("uuid", "cluster_uuid", "type", "value", "description")
            .Required("type", "value")
            .String("type", oneOf: ["droplet", "k8s", "ip_addr", "tag", "app"])
            .String("value").String("description")
            .Error;

    private static string? Rule(JsonObject rule, string targetField, Func<string, bool> tagExists) =>
        new Check(rule)
            .Only("protocol", "ports", "action", targetField)
            .Required("protocol", "ports", targetField)
            .String("protocol", oneOf: ["tcp", "udp", "icmp"])
            .String("ports", Ports())
            .String("action", oneOf: ["allow", "deny"])
            .Object(targetField, target => new Check(target)
                .Only("addresses", "droplet_ids", "load_balancer_uids", "kubernetes_ids", "tags")
                .Array("addresses", Item.String).Array("droplet_ids", Item.Int).Array("load_balancer_uids", Item.String)
                .Array("kubernetes_ids", Item.String).Array("tags", Item.String, TagName())
                .Then(t => Tags(t["tags"]).FirstOrDefault(x => !tagExists(x)) is { } missing ? $"tag {missing} does not exist" : null)
                .Error)
            .Error;

    private static IEnumerable<string> Tags(JsonNode? node) =>
        node is JsonArray array ? array.Select(t => t?.GetValue<string>() ?? "") : [];

    [GeneratedRegex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$")]
    private static partial Regex DropletName();

    [GeneratedRegex(@"^[a-zA-Z1-9\-\.]+$")]
    private static partial Regex VpcName();

    [GeneratedRegex(@"^[a-zA-Z0-9_\-\:]+$")]
    private static partial Regex TagName();

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9\.-]+$")]
    private static partial Regex FirewallName();

    [GeneratedRegex("^([0-9]{1,5}|[0-9]{1,5}-[0-9]{1,5}|all)$")]
    private static partial Regex Ports();

    [GeneratedRegex(@"^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.)[0-9.]+/(1[6-9]|2[0-4])$")]
    private static partial Regex PrivateCidr();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex Uuid();

    private enum Item
    {
        String,
        Int,
        StringOrInt,
    }

    /// <summary>Checks in order; the first failure is the error.</summary>
    private sealed class Check(JsonObject body)
    {
        public string? Error { get; private set; }

        public Check Only(params string[] fields) => Then(b => b.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } unknown
            ? $"unknown field '{unknown}'"
            : null);

        public Check Required(params string[] fields) => Then(b => fields.FirstOrDefault(f => b[f] is null) is { } missing
            ? $"{missing} is required"
            : null);

        public Check String(string field, Regex? pattern = null, string[]? oneOf = null, int? maxBytes = null) => Field(field, node =>
        {
            if (node.GetValueKind() != JsonValueKind.String)
            {
                return $"{field} must be a string";
            }
            var value = node.GetValue<string>();
            if (pattern is not null && !pattern.IsMatch(value))
            {
                return $"{field} '{value}' does not match {pattern}";
            }
            if (oneOf is not null && !oneOf.Contains(value))
            {
                return $"{field} must be one of {string.Join(", ", oneOf)}";
            }
            return maxBytes is { } max && Encoding.UTF8.GetByteCount(value) > max ? $"{field} is over {max} bytes" : null;
        });

        public Check StringOrInt(string field) => Field(field, node =>
            node.GetValueKind() is JsonValueKind.String or JsonValueKind.Number ? null : $"{field} must be a string or an integer");

        public Check Bool(string field) => Field(field, node =>
            node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"{field} must be a boolean");

        public Check Int(string field, int min, int max) => Field(field, node =>
            node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var n) && n >= min && n <= max
                ? null
                : $"{field} must be an integer from {min} to {max}");

        public Check Array(string field, Item item, Regex? pattern = null) => Field(field, node =>
        {
            if (node is not JsonArray array)
            {
                return $"{field} must be an array";
            }
            foreach (var element in array)
            {
                var kind = element?.GetValueKind();
                var ok = item switch
                {
                    Item.String => kind == JsonValueKind.String,
                    Item.Int => kind == JsonValueKind.Number,
                    _ => kind is JsonValueKind.String or JsonValueKind.Number,
                };
                if (!ok)
                {
                    return $"{field} must be an array of {item}";
                }
                if (pattern is not null && !pattern.IsMatch(element!.ToString()))
                {
                    return $"{field}: '{element}' does not match {pattern}";
                }
            }
            return null;
        });

        public Check Object(string field, Func<JsonObject, string?> inner) => Field(field, node =>
            node is JsonObject o ? inner(o) is { } e ? $"{field}: {e}" : null : $"{field} must be an object");

        public Check Objects(string field, Func<JsonObject, string?> each) => Field(field, node =>
        {
            if (node is not JsonArray array)
            {
                return $"{field} must be an array";
            }
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is not JsonObject o)
                {
                    return $"{field}[{i}] must be an object";
                }
                if (each(o) is { } e)
                {
                    return $"{field}[{i}]: {e}";
                }
            }
            return null;
        });

        public Check Then(Func<JsonObject, string?> rule)
        {
            Error ??= rule(body);
            return this;
        }

        private Check Field(string field, Func<JsonNode, string?> rule) =>
            Then(b => b[field] is { } node ? rule(node) : null);
    }
}
