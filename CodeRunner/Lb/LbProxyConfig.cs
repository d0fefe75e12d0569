using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace CodeRunner.Lb;

/// <summary>The YARP route and cluster: every path to the judge-servers, two random choices, health checked.</summary>
internal static class LbProxyConfig
{
    public const string ClusterId = "judge-servers";
    public const string RouteId = "judge";

    public static RouteConfig Route() => new RouteConfig
    {
        RouteId = RouteId,
        ClusterId = ClusterId,
        Match = new RouteMatch { Path = "/{**catch-all}" },
        // Below every endpoint the app maps itself (the lb's /health and /health/ready).
        Order = int.MaxValue,
    }
    // The judge-server sees who called the runner (appended) and the lb's scheme and host.
    .WithTransformXForwarded(xDefault: ForwardedTransformActions.Set, xFor: ForwardedTransformActions.Append);

    public static ClusterConfig Cluster(IReadOnlyList<LbDestination> destinations, LbOptions options) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = LoadBalancingPolicies.PowerOfTwoChoices,
        Destinations = destinations.ToDictionary(d => d.Name, d => new DestinationConfig { Address = d.Address }),
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(options.HealthIntervalSeconds),
                Timeout = TimeSpan.FromSeconds(options.HealthTimeoutSeconds),
                Policy = "ConsecutiveFailures",
                Path = options.HealthPath,
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = "TransportFailureRate",
                ReactivationPeriod = options.EffectiveReactivation,
            },
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
        },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(options.ActivityTimeoutSeconds) },
        Metadata = new Dictionary<string, string>
        {
            [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = options.HealthThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [TransportFailureRateHealthPolicyOptions.FailureRateLimitMetadataName] = options.FailureRateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}
