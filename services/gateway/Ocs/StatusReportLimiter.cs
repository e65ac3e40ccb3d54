using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Ocs;

/// <summary>Section <c>Gateway:StatusReports</c>: how many init progress reports one ExApp may send. Generous for
/// a real ExApp (a report per percent of a fast init is about 100 in a second); what one app sends beyond it is
/// answered 429 so that it cannot flood the platform and delay other apps' installs.</summary>
public sealed class StatusReportOptions
{
    public const string Section = "Gateway:StatusReports";

    /// <summary>Reports per second one app may send on average.</summary>
    public int PerSecond { get; set; } = 50;

    /// <summary>Reports one app may send at once before the average applies.</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>A token bucket per app id for <c>PUT ex-app/status</c>.</summary>
public sealed class StatusReportLimiter(IOptions<StatusReportOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(appId =>
        RateLimitPartition.GetTokenBucketLimiter(appId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.Value.Burst),
            TokensPerPeriod = Math.Max(1, options.Value.PerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>False when the app has sent more than its share: answer 429.</summary>
    public bool TryAcquire(string appId)
    {
        using var lease = _limiter.AttemptAcquire(appId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
