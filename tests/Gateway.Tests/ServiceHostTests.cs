using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using ExApps.ServiceDefaults;
using ExApps.ServiceDefaults.Memory;
using ExApps.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExApps.Gateway.Tests;

/// <summary>What every service's host is built with (ServiceDefaults): configuration read once, bounded metric series
/// for the framework's meters, and a full collection once a burst is over.</summary>
public sealed class ServiceHostTests
{
    [Fact]
    public void Configuration_files_are_read_once_and_not_watched()
    {
        var builder = ServiceHost.CreateBuilder([]);

        var json = ((IConfigurationBuilder)builder.Configuration).Sources.OfType<JsonConfigurationSource>().ToList();
        Assert.NotEmpty(json); // appsettings.json and appsettings.{env}.json, optional
        Assert.All(json, s => Assert.False(s.ReloadOnChange, $"{s.Path} is watched"));
    }

    [Fact]
    public async Task Framework_meters_keep_a_bounded_number_of_series_and_per_app_metrics_keep_all_of_theirs()
    {
        var builder = ServiceHost.CreateBuilder([]);
        builder.AddServiceDefaults();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPort.Free()}");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        // Instrument names of this test only: other tests of this process may report on the same meters.
        using var framework = new Meter(TelemetryExtensions.MassTransitSource);
        using var platform = new Meter(PlatformMetrics.MeterName);
        var bounded = framework.CreateCounter<long>("hosttest.bounded");
        var perApp = platform.CreateCounter<long>("hosttest.per_app");
        const int series = 1_000;
        for (var i = 0; i < series; i++)
        {
            bounded.Add(1, new KeyValuePair<string, object?>("endpoint", $"e{i}"));
            perApp.Add(1, new KeyValuePair<string, object?>("app_id", $"app{i}"));
        }

        using var http = new HttpClient();
        var lines = (await http.GetStringAsync($"{app.Urls.First()}/metrics")).Split('\n');
        var boundedLines = lines.Where(l => l.StartsWith("hosttest_bounded_total{", StringComparison.Ordinal)).ToList();
        Assert.InRange(boundedLines.Count, 2, TelemetryExtensions.FewSeriesLimit + 1); // and one overflow series
        // Nothing is lost: what did not fit is counted under the overflow series.
        Assert.Contains(boundedLines, l => l.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal));
        Assert.Equal(series, boundedLines.Sum(l => long.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0])));
        Assert.Equal(series, lines.Count(l => Regex.IsMatch(l, "^hosttest_per_app_total\\{[^}]*app_id=\"app[0-9]+\"")));
    }

    [Theory]
    [InlineData(0, 0, 0, false)]                                                   // idle since start
    [InlineData(IdleMemoryTrim.QuietBytes - 1, IdleMemoryTrim.BusyBytes, 0, true)] // quiet after a burst
    [InlineData(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.BusyBytes * 4, 0, false)] // still busy
    [InlineData(0, IdleMemoryTrim.BusyBytes - 1, 0, false)]                        // quiet, but too little work since the last trim
    [InlineData(0, IdleMemoryTrim.SomeBytes, IdleMemoryTrim.GrownBytes, true)]     // quiet after smaller rounds that grew the working set
    [InlineData(0, IdleMemoryTrim.SomeBytes - 1, IdleMemoryTrim.GrownBytes * 4, false)] // grown, but not by allocating: nothing to collect
    [InlineData(0, IdleMemoryTrim.SomeBytes * 4, IdleMemoryTrim.GrownBytes - 1, false)] // work that did not grow it
    [InlineData(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.SomeBytes, IdleMemoryTrim.GrownBytes, false)] // grown, still busy
    public void Collects_only_when_quiet_after_a_burst_or_after_growing(long lastInterval, long sinceTrim, long grown, bool expected) =>
        Assert.Equal(expected, IdleMemoryTrim.ShouldTrim(lastInterval, sinceTrim, grown));

    /// <summary>Start-up is a burst of its own: the first quiet interval after it trims, however little was
    /// allocated; a start-up still busy waits.</summary>
    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(IdleMemoryTrim.QuietBytes - 1, 1, 0, true)]
    [InlineData(IdleMemoryTrim.QuietBytes, IdleMemoryTrim.QuietBytes, 0, false)]
    public void The_first_quiet_interval_after_start_trims(long lastInterval, long sinceTrim, long grown, bool expected) =>
        Assert.Equal(expected, IdleMemoryTrim.ShouldTrim(lastInterval, sinceTrim, grown, trimmedSinceStart: false));


    [Fact]
    public void A_trim_is_a_compacting_full_collection()
    {
        var trim = new IdleMemoryTrim(NullLogger<IdleMemoryTrim>.Instance);
        var before = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;

        trim.Trim();

        var last = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Assert.True(last.Index > before, "no full blocking collection ran");
        Assert.Equal(GC.MaxGeneration, last.Generation);
        Assert.True(last.Compacted, "the collection did not compact");
    }

    /// <summary>The host is ASP.NET Core's slim one (no IIS integration, no HTTP/3 transport on Linux), with
    /// Kestrel's endpoint settings kept: an operator who configures HTTPS in <c>Kestrel:Endpoints</c> gets it.</summary>
    [Fact]
    public async Task Kestrel_serves_the_HTTPS_endpoint_an_operator_configures()
    {
        var dir = Directory.CreateTempSubdirectory("exapps-tls-");
        try
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
                System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "cert.pem"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            var port = LoopbackPort.Free();

            var builder = ServiceHost.CreateBuilder([
                $"--Kestrel:Endpoints:Tls:Url=https://127.0.0.1:{port}",
                $"--Kestrel:Endpoints:Tls:Certificate:Path={Path.Combine(dir.FullName, "cert.pem")}",
                $"--Kestrel:Endpoints:Tls:Certificate:KeyPath={Path.Combine(dir.FullName, "key.pem")}"]);
            await using var app = builder.Build();
            app.MapGet("/hello", () => "hello");
            await app.StartAsync();

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == cert.Thumbprint };
            using var http = new HttpClient(handler);
            Assert.Equal("hello", await http.GetStringAsync($"https://127.0.0.1:{port}/hello"));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Database=x", true)]
    [InlineData("Host=localhost;Database=x", true)]
    [InlineData("Host=::1;Database=x", true)]
    [InlineData("Host=[::1]:5433;Database=x", true)]
    [InlineData("Host=127.0.0.2:5433,localhost;Database=x", true)]
    [InlineData("Host=/var/run/postgresql;Database=x", true)]
    [InlineData("Host=db.example.org;Database=x", false)]
    [InlineData("Host=127.0.0.1,db.example.org;Database=x", false)]
    [InlineData("Host=10.0.0.5;Database=x", false)]
    [InlineData("Host=127.0.0.1;Database=x;SSL Mode=Require", false)]
    [InlineData("Host=127.0.0.1;Database=x;sslmode=prefer", false)]
    [InlineData("Host=127.0.0.1;Database=x;Trust Server Certificate=true", false)]
    [InlineData("Host=127.0.0.1;Database=x;Gss Encryption Mode=Prefer", false)]
    public void TLS_is_turned_off_only_for_a_server_on_the_same_host_and_only_when_nothing_says_otherwise(string configured, bool disabled)
    {
        var result = PostgresSchema.WithoutLoopbackTls(configured);
        if (!disabled) { Assert.Equal(configured, result); return; }
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(result);
        Assert.Equal(Npgsql.SslMode.Disable, csb.SslMode);
        Assert.Equal(Npgsql.GssEncryptionMode.Disable, csb.GssEncryptionMode); // no Kerberos libraries loaded for it
        Assert.Equal(new Npgsql.NpgsqlConnectionStringBuilder(configured).Host, csb.Host);
    }
}
