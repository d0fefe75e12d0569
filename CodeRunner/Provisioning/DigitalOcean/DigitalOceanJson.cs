using System.Text.Json.Serialization;

namespace CodeRunner.Provisioning.DigitalOcean;

/// <summary>Source-generated (no reflection, so safe in the single-file binary), snake_case like the API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VpcCreate))]
[JsonSerializable(typeof(VpcEnvelope))]
[JsonSerializable(typeof(VpcPage))]
[JsonSerializable(typeof(TagCreate))]
[JsonSerializable(typeof(TagEnvelope))]
[JsonSerializable(typeof(TagPage))]
[JsonSerializable(typeof(DropletCreate))]
[JsonSerializable(typeof(DropletEnvelope))]
[JsonSerializable(typeof(DropletPage))]
[JsonSerializable(typeof(DatabaseCreate))]
[JsonSerializable(typeof(DatabaseEnvelope))]
[JsonSerializable(typeof(DatabasePage))]
[JsonSerializable(typeof(TrustedSources))]
[JsonSerializable(typeof(FirewallBody))]
[JsonSerializable(typeof(FirewallEnvelope))]
[JsonSerializable(typeof(FirewallPage))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class DigitalOceanJson : JsonSerializerContext;
