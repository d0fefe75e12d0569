using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace CodeRunner.Hosting;

/// <summary>Marks an endpoint as belonging to one role; it answers only on that role's listeners.</summary>
public sealed record RoleEndpointMetadata(Roles Role);

/// <summary>
/// Each role has its own listeners even when every role shares one process (<c>--role all</c>).
/// Kestrel tags every connection with the role of the listener that accepted it, and this policy
/// drops endpoints of other roles, so two roles can map the same path (e.g. /health).
/// </summary>
internal sealed class RoleMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public const string ConnectionItemKey = "coderunner.role";

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<RoleEndpointMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var role = RoleOf(httpContext);
        for (var i = 0; i < candidates.Count; i++)
        {
            var metadata = candidates[i].Endpoint.Metadata.GetMetadata<RoleEndpointMetadata>();
            if (metadata is not null && metadata.Role != role)
            {
                candidates.SetValidity(i, false);
            }
        }
        return Task.CompletedTask;
    }

    public static Roles RoleOf(HttpContext httpContext) =>
        httpContext.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ConnectionItemKey, out var role) == true
            ? (Roles)role!
            : Roles.None;

    public static Func<ConnectionDelegate, ConnectionDelegate> TagConnections(Roles role) => next => context =>
    {
        context.Items[ConnectionItemKey] = role;
        return next(context);
    };
}

public static class RoleEndpointExtensions
{
    /// <summary>A route group whose endpoints answer only on the listeners of <paramref name="role"/>.</summary>
    public static RouteGroupBuilder MapRole(this IEndpointRouteBuilder app, Roles role) =>
        app.MapGroup("").WithMetadata(new RoleEndpointMetadata(role));
}
