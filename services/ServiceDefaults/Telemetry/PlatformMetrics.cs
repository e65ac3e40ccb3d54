using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ExApps.ServiceDefaults.Telemetry;

/// <summary>The platform's own instruments, in one meter named <see cref="MeterName"/>, exported on every
/// service's <c>/metrics</c> (Prometheus names in docs/observability.md). One instance per service (a singleton);
/// each instrument is recorded by the service that owns the step it measures.</summary>
public sealed class PlatformMetrics
{
    public const string MeterName = "ExApps";

    // Status classes as constants: a proxied request records without allocating a tag value.
    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Counter<long> _installsStarted;
    private readonly Counter<long> _installsFinished;
    private readonly Counter<long> _installsFailed;
    private readonly Histogram<double> _installDuration;
    private readonly Counter<long> _heartbeatTries;
    private readonly Counter<long> _recoveries;
    private readonly Counter<long> _proxyRequests;
    private readonly Histogram<double> _proxyDuration;
    private readonly Counter<long> _reportsSuperseded;

    public PlatformMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _installsStarted = meter.CreateCounter<long>("exapps.installs.started", "{install}",
            "ExApp installs (and updates) the platform started.");
        _installsFinished = meter.CreateCounter<long>("exapps.installs.finished", "{install}",
            "ExApp installs that ended enabled.");
        _installsFailed = meter.CreateCounter<long>("exapps.installs.failed", "{install}",
            "ExApp installs that ended in an error.");
        _installDuration = meter.CreateHistogram<double>("exapps.install.duration", "s",
            "Time from the install request to enabled or failed.");
        _heartbeatTries = meter.CreateCounter<long>("exapps.heartbeat.tries", "{try}",
            "GET /heartbeat calls made to ExApps while waiting for them to come up.");
        _recoveries = meter.CreateCounter<long>("exapps.app.recoveries", "{recovery}",
            "Enabled ExApps the platform restarted or redeployed on its own (the daemon's auto_recover).");
        _proxyRequests = meter.CreateCounter<long>("exapps.proxy.requests", "{request}",
            "Requests the gateway forwarded to an ExApp.");
        _proxyDuration = meter.CreateHistogram<double>("exapps.proxy.duration", "s",
            "Time the gateway took to forward a request to an ExApp and relay its answer.");
        _reportsSuperseded = meter.CreateCounter<long>("exapps.reports.superseded", "{report}",
            "ExApp init progress reports the gateway did not pass on because the same app's next report, queued behind it, replaced it.");
    }

    /// <summary>The gateway, for an init progress report that a later one of the same app replaced before it was published.</summary>
    public void ReportSuperseded() => _reportsSuperseded.Add(1);

    /// <summary>The lifecycle service, when it accepts an install or update of <paramref name="appId"/>.</summary>
    public void InstallStarted(string appId) => _installsStarted.Add(1, new KeyValuePair<string, object?>("app_id", appId));

    /// <summary>The lifecycle service, when the install ends enabled.</summary>
    public void InstallFinished(string appId, TimeSpan duration)
    {
        var tags = new TagList { { "app_id", appId }, { "outcome", "enabled" } };
        _installsFinished.Add(1, tags);
        _installDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>The lifecycle service, when the install ends in an error; <paramref name="stage"/> is where
    /// (<c>deploy</c>, <c>heartbeat</c>, <c>init</c>, <c>enable</c>).</summary>
    public void InstallFailed(string appId, string stage, TimeSpan duration)
    {
        var tags = new TagList { { "app_id", appId }, { "outcome", "failed" }, { "stage", stage } };
        _installsFailed.Add(1, tags);
        _installDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>The lifecycle service, for every heartbeat call it makes to an ExApp that is coming up.</summary>
    public void HeartbeatTry(string appId, bool ok) =>
        _heartbeatTries.Add(1, new TagList { { "app_id", appId }, { "result", ok ? "ok" : "failed" } });

    /// <summary>The lifecycle service, when it starts recovering an enabled app that died or vanished
    /// (<paramref name="mode"/>: <c>restart</c> or <c>redeploy</c>).</summary>
    public void Recovery(string appId, string mode) =>
        _recoveries.Add(1, new TagList { { "app_id", appId }, { "mode", mode } });

    /// <summary>The gateway, for every request it forwarded to a known, enabled ExApp.</summary>
    /// <param name="startTimestamp">From <see cref="Stopwatch.GetTimestamp"/> when the request arrived.</param>
    public void ProxyRequest(string appId, int statusCode, long startTimestamp)
    {
        var statusClass = statusCode is >= 100 and < 600 ? StatusClasses[statusCode / 100 - 1] : "error";
        var tags = new TagList { { "app_id", appId }, { "status_class", statusClass } };
        _proxyRequests.Add(1, tags);
        _proxyDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }
}
