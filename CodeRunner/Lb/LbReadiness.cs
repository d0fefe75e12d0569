using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace CodeRunner.Lb;

/// <summary>
/// <c>/health/ready</c>: 200 while at least one judge-server passes the active probe and is not
/// taken out by the passive check, 503 otherwise; lists every judge-server's state either way.
/// </summary>
internal static class LbReadiness
{
    public static IResult Check(IProxyStateLookup proxy)
    {
        var destinations = proxy.TryGetCluster(LbProxyConfig.ClusterId, out var cluster)
            ? cluster.Destinations.Values.OrderBy(d => d.DestinationId).ToList()
            : [];
        var states = destinations.Select(d => new
        {
            name = d.DestinationId,
            address = d.Model.Config.Address,
            healthy = IsHealthy(d),
            active = d.Health.Active.ToString(),
            passive = d.Health.Passive.ToString(),
        }).ToList();
        var healthy = states.Count(s => s.healthy);
        var body = new { status = healthy > 0 ? "ready" : "no healthy judge-server", role = "lb", healthy, destinations = states };
        return healthy > 0 ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static bool IsHealthy(DestinationState destination) =>
        destination.Health.Active == DestinationHealth.Healthy && destination.Health.Passive != DestinationHealth.Unhealthy;
}
