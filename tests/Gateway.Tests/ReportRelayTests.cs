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
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
    private ReportRelay _relay = null!;

    public Task InitializeAsync()
    {
        _relay = new ReportRelay(async (report, ct) =>
        {
            var name = Name(report);
            Started(name).TrySetResult();
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
        await Started($"{a}:0").Task.WaitAsync(TimeSpan.FromSeconds(10)); // (else 50 would supersede it: below)
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
        // its retry held until both later reports are queued: the retry comes 100 ms after the failure, and a test
        // thread slower than that would otherwise see 50 published before 100 was queued to replace it
        _holds[$"{app}:0"] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.True(_relay.TryAccept(app, Report(app, 0)));
        await Started($"{app}:0").Task.WaitAsync(TimeSpan.FromSeconds(10)); // its first try, which fails
        Assert.True(_relay.TryAccept(app, Report(app, 50)));
        Assert.True(_relay.TryAccept(app, Report(app, 100)));
        _holds[$"{app}:0"].SetResult();

        await WaitUntil(() => _published.Contains($"{app}:100"));
        // (50 waited behind the retried 0 with 100 queued after it: superseded, see the next test)
        Assert.Equal([$"{app}:0", $"{app}:100"], _published.Where(n => n.StartsWith(app + ":")).ToList());
    }

    [Fact]
    public async Task A_progress_report_with_a_newer_one_of_its_app_queued_behind_it_is_not_published()
    {
        var (a, b) = TwoAppsInDifferentLanes();
        var sameLane = Enumerable.Range(0, 1000).Select(i => $"app-c{i}").First(id => ReportRelay.Lane(id) == ReportRelay.Lane(a));
        _holds[$"{a}:0"] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.True(_relay.TryAccept(a, Report(a, 0)));
        await Started($"{a}:0").Task.WaitAsync(TimeSpan.FromSeconds(10)); // its confirm held: what follows queues behind it
        Assert.True(_relay.TryAccept(a, Report(a, 20)));
        Assert.True(_relay.TryAccept(a, Report(a, 50)));     // superseded by the error after it
        Assert.True(_relay.TryAccept(a, Report(a, 60, "model download failed")));
        Assert.True(_relay.TryAccept(a, Report(a, 80)));     // kept: the next one goes back
        Assert.True(_relay.TryAccept(a, Report(a, 70)));
        Assert.True(_relay.TryAccept(sameLane, Report(sameLane, 10))); // another app in the lane: kept, and keeps a:70
        Assert.True(_relay.TryAccept(a, Report(a, 100)));
        Assert.True(_relay.TryAccept(b, Report(b, 0)));
        _holds[$"{a}:0"].SetResult();

        await WaitUntil(() => _published.Contains($"{a}:100") && _published.Contains($"{b}:0"));
        Assert.Equal([$"{a}:0", $"{a}:60", $"{a}:80", $"{a}:70", $"{a}:100"], _published.Where(n => n.StartsWith(a + ":")).ToList());
        Assert.Contains($"{sameLane}:10", _published);
        Assert.Equal(2, _relay.SupersededCount); // 20 and 50
    }

    private TaskCompletionSource Started(string name) =>
        _started.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static (string, string) TwoAppsInDifferentLanes()
    {
        const string a = "app-a";
        var b = Enumerable.Range(0, 1000).Select(i => $"app-b{i}").First(id => ReportRelay.Lane(id) != ReportRelay.Lane(a));
        return (a, b);
    }

    private static InitProgress Report(string app, int progress, string error = "") => new(app, progress, error, DateTimeOffset.UtcNow);

    private static string Name(object report) => report is InitProgress p ? $"{p.AppId}:{p.Progress}" : report.ToString()!;

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition(), "not within 10 s");
    }
}
