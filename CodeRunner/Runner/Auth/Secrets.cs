using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace CodeRunner.Runner.Auth;

/// <summary>API keys and session tokens: a recognisable prefix and 32 random bytes; only their SHA-256 is stored.</summary>
internal static class Secrets
{
    public const string KeyPrefix = "cr_";
    public const string SessionPrefix = "crs_";

    public static string NewApiKey() => KeyPrefix + Random();

    public static string NewSessionToken() => SessionPrefix + Random();

    /// <summary>Lowercase hex SHA-256: what the store keeps and looks up.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A short random id for a session (its owner name); not a secret.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Random() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
}
