using System.Collections.Concurrent;
using ExApps.Contracts;
using ExApps.Gateway.Ocs;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExApps.Gateway.Tests;

/// <summary>The relay of ExApp reports to the bus (services/gateway/Ocs/ReportRelay.cs): one app's reports go out
/// one at a time in the order they came, while other apps' reports do not wait for them.</summary>
public sealed class ReportRelayTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _published = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();
    private readonly ConcurrentDictionary<string, int> _failFirst = new();
    private ReportRelay _relay = null!;

    public Task InitializeAsync()
    {
        _relay = new ReportRelay(async (report, ct) =>
        {
            var name = Name(report);
            if (_failFirst.TryRemove(name, out _)) throw new InvalidOperationException("broker away");
            if (_holds.TryGetValue(name, out var hold)) await hold.Task.WaitAsync(ct);
            _published.Enqueue(name);
        }, NullLogger<ReportRelay>.Instance);
        return _relay.StartAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => _relay.StopAsync(CancellationToken.None);

    [Fact]
    public async Task Another_apps_report_goes_out_while_one_apps_publish_waits_for_its_confirm()
    {
        var (a, b) = TwoAppsInDifferentLanes();
        _holds[$"{a}:0"] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.True(_relay.TryAccept(a, Report(a, 0)));
        Assert.True(_relay.TryAccept(a, Report(a, 50)));
        Assert.True(_relay.TryAccept(b, Report(b, 0)));

        await WaitUntil(() => _published.Contains($"{b}:0"));
        await Task.Delay(200);
        Assert.DoesNotContain($"{a}:50", _published); // behind its own app's first report, which waits
        _holds[$"{a}:0"].SetResult();
        await WaitUntil(() => _published.Contains($"{a}:50"));
        var order = _published.ToList();
        Assert.True(order.IndexOf($"{a}:0") < order.IndexOf($"{a}:50"), string.Join(", ", order));
    }

    [Fact]
    public async Task A_report_whose_publish_fails_is_tried_again_before_the_next_report_of_its_app()
    {
        const string app = "retried";
        _failFirst[$"{app}:0"] = 1;

        for (var p = 0; p <= 100; p += 50) Assert.True(_relay.TryAccept(app, Report(app, p)));

        await WaitUntil(() => _published.Count(n => n.StartsWith(app + ":")) == 3);
        Assert.Equal([$"{app}:0", $"{app}:50", $"{app}:100"], _published.Where(n => n.StartsWith(app + ":")).ToList());
    }

    private static (string, string) TwoAppsInDifferentLanes()
    {
        const string a = "app-a";
        var b = Enumerable.Range(0, 1000).Select(i => $"app-b{i}").First(id => ReportRelay.Lane(id) != ReportRelay.Lane(a));
        return (a, b);
    }

    private static InitProgress Report(string app, int progress) => new(app, progress, "", DateTimeOffset.UtcNow);

    private static string Name(object report) => report is InitProgress p ? $"{p.AppId}:{p.Progress}" : report.ToString()!;

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition(), "not within 10 s");
    }
}
