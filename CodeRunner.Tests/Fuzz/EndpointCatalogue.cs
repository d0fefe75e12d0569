using CodeRunner.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Fuzz;

/// <summary>
/// Every endpoint the running app maps, by role, read from its routing (so an endpoint added
/// later is fuzzed without anyone listing it here): route pattern and methods (empty: any).
/// </summary>
internal sealed record MappedEndpoint(string Pattern, IReadOnlyList<string> Methods);

internal static class EndpointCatalogue
{
    public static Dictionary<Roles, List<MappedEndpoint>> Of(IServiceProvider services)
    {
        var byRole = new Dictionary<Roles, List<MappedEndpoint>>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<RoleEndpointMetadata>() is not { } role)
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!byRole.TryGetValue(role.Role, out var list))
            {
                byRole[role.Role] = list = [];
            }
            if (!list.Any(e => e.Pattern == pattern && e.Methods.SequenceEqual(methods)))
            {
                list.Add(new MappedEndpoint(pattern, [.. methods]));
            }
        }
        return byRole;
    }
}
