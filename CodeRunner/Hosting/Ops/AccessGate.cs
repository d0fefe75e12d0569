using CodeRunner.Judge;
using CodeRunner.Judge.Server.Http;
using Yarp.ReverseProxy.Model;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// Runs first on every request: a source address not on its role's allow list gets 403 (health
/// and metrics included); on the lb, a proxied request without the tier token (Judge0's
/// AUTHN_HEADER/AUTHN_TOKEN, set in the lb's environment too) gets 401 and never reaches a
/// judge-server. The lb's own endpoints (/health, /metrics, docs) need no token.
/// </summary>
internal sealed class AccessGate(IReadOnlyDictionary<Roles, SourceAllowList> allowLists, JudgeOptions? lbToken)
{
    public static AccessGate Load(IConfiguration configuration, Roles roles)
    {
        var lists = RoleSections.On(roles).ToDictionary(r => r.Role, r => SourceAllowList.Load(configuration, r.Section));
        JudgeOptions? token = null;
        if (roles.HasFlag(Roles.Lb))
        {
            var judge = JudgeOptions.Load(configuration);
            token = string.IsNullOrWhiteSpace(judge.AuthnToken) ? null : judge;
        }
        return new AccessGate(lists, token);
    }

    public bool IsOff => lbToken is null && allowLists.Values.All(l => l.IsOpen);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var role = RoleMatcherPolicy.RoleOf(context);
        if (allowLists.TryGetValue(role, out var allow) && !allow.Admits(context.Connection.RemoteIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsJsonAsync(new { error = "source address not allowed" });
        }
        if (role == Roles.Lb && lbToken is not null
            && context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not null
            && !JudgeAuth.IsAuthenticated(context, lbToken))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }
        return next(context);
    }
}
