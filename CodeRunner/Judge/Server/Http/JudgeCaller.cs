using System.Net;
using System.Security.Cryptography;

namespace CodeRunner.Judge.Server.Http;

/// <summary>
/// Who a submission is queued for (its lane in the fair queue). The runner names its caller in
/// <see cref="Header"/>, which counts only on a request that carries a trusted caller token
/// (TRUSTED_CALLER_TOKENS, by default the first AUTHN_TOKEN: the tier token the runner sends) or,
/// with authentication off, that comes from this machine (--role all). Anyone else is keyed by the
/// token they authenticated with (hashed: lane names are not secret) or by their address.
/// </summary>
internal static class JudgeCaller
{
    public const string Header = TierHeaders.Caller;

    public static string Of(HttpContext context, JudgeOptions options)
    {
        var named = context.Request.Headers[Header].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(named) && IsTrustedTier(context, options))
        {
            return "tier:" + named.Trim();
        }
        if (!string.IsNullOrWhiteSpace(options.AuthnToken) && Provided(context, options.AuthnHeader) is { Length: > 0 } token)
        {
            return "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16];
        }
        return "ip:" + (context.Connection.RemoteIpAddress is { } ip && ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : context.Connection.RemoteIpAddress);
    }

    private static bool IsTrustedTier(HttpContext context, JudgeOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AuthnToken))
        {
            return context.Connection.RemoteIpAddress is { } peer && IPAddress.IsLoopback(peer);
        }
        var trusted = string.IsNullOrWhiteSpace(options.TrustedCallerTokens)
            ? options.AuthnToken.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]
            : options.TrustedCallerTokens;
        return JudgeAuth.Matches(context, options.AuthnHeader, trusted);
    }

    private static string? Provided(HttpContext context, string header) =>
        context.Request.Headers.TryGetValue(header, out var fromHeader) && fromHeader.Count > 0
            ? fromHeader[0]
            : context.Request.Query.TryGetValue(header, out var fromQuery) ? fromQuery[0] : null;
}
