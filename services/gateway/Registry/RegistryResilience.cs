using Microsoft.Extensions.Http.Resilience;

namespace ExApps.Gateway.Registry;

/// <summary>How the gateway calls the registry (Microsoft.Extensions.Http.Resilience's standard pipeline): a few
/// quick retries of transient failures (connection refused, 5xx, 408, 429) for idempotent requests only, a timeout
/// per attempt and one for the whole call, and a circuit breaker that fails fast while the registry is down. Reads
/// are GETs; every POST (config writes, enable/disable) is sent once, since its effect must not happen twice.</summary>
public static class RegistryResilience
{
    public static void Configure(HttpStandardResilienceOptions o)
    {
        o.Retry.DisableForUnsafeHttpMethods();
        o.Retry.MaxRetryAttempts = 2;
        o.Retry.Delay = TimeSpan.FromMilliseconds(200);
        o.Retry.UseJitter = true;
        // A registry read is a primary-key lookup: seconds mean it is stuck, not busy.
        o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        o.CircuitBreaker.MinimumThroughput = 20;
        o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
    }
}
