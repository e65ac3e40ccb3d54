using System.Net;
using System.Text;
using ExApps.Gateway;
using ExApps.Gateway.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Tests;

/// <summary>The gateway's ExApp records while the registry restarts: a known app keeps working on its last record,
/// an unknown one waits briefly for the registry, and "no such app" stays a real answer.</summary>
public sealed class AppCacheTests
{
    private const string Record = """{"appid":"app1","version":"VERSION","secret":"s","enabled":true,"status_type":"install"}""";

    /// <summary>The registry's side of the wire: answers whatever the test says at the moment, or refuses.</summary>
    private sealed class Registry : HttpMessageHandler
    {
        public volatile bool Up = true;
        public volatile HttpStatusCode Status = HttpStatusCode.OK;
        public volatile string Version = "1.0.0";
        /// <summary>While set, answers wait for it (what the record holds is read when the answer is sent).</summary>
        public volatile TaskCompletionSource? Hold;
        public int Calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            if (!Up) throw new HttpRequestException("Connection refused (127.0.0.1:8081)");
            var version = Version; // read before waiting: an answer the registry wrote, then sent late
            if (Hold is { } hold) await hold.Task.WaitAsync(ct);
            return new HttpResponseMessage(Status)
            {
                Content = new StringContent(Status == HttpStatusCode.OK ? Record.Replace("VERSION", version) : "", Encoding.UTF8, "application/json"),
            };
        }
    }

    private static (AppCache Cache, Registry Registry) Build(TimeSpan ttl, TimeSpan wait)
    {
        var registry = new Registry();
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new AdminOptions { Token = "t" }));
        services.AddScoped(_ => new RegistryClient(new HttpClient(registry) { BaseAddress = new Uri("http://registry/") },
            Options.Create(new AdminOptions { Token = "t" })));
        var provider = services.BuildServiceProvider();
        var cache = new AppCache(provider.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new GatewayOptions { AppCacheTtl = ttl, RegistryWait = wait }));
        return (cache, registry);
    }

    [Fact]
    public async Task An_expired_record_is_used_while_the_registry_is_unreachable()
    {
        var (cache, registry) = Build(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal("1.0.0", (await cache.AuthAsync("app1", CancellationToken.None))!.Version);
        await Task.Delay(20);
        registry.Up = false;

        var calls = registry.Calls;
        Assert.Equal("1.0.0", (await cache.AuthAsync("app1", CancellationToken.None))!.Version);
        Assert.True(registry.Calls > calls, "the registry was asked again first");
    }

    [Fact]
    public async Task With_nothing_cached_a_lookup_waits_for_the_registry_to_come_back()
    {
        var (cache, registry) = Build(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        registry.Up = false;
        var lookup = cache.AuthAsync("app1", CancellationToken.None).AsTask();
        await Task.Delay(1200);
        Assert.False(lookup.IsCompleted);

        registry.Up = true;
        Assert.Equal("app1", (await lookup)!.Appid);
    }

    [Fact]
    public async Task With_nothing_cached_a_registry_that_stays_away_fails_the_lookup_after_the_wait()
    {
        var (cache, registry) = Build(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(600));
        registry.Up = false;
        await Assert.ThrowsAsync<HttpRequestException>(() => cache.AuthAsync("app1", CancellationToken.None).AsTask());
        Assert.True(registry.Calls >= 2, "it tried more than once");
    }

    [Fact]
    public async Task A_registry_error_answer_counts_as_unreachable_but_not_found_is_an_answer()
    {
        var (cache, registry) = Build(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(600));
        registry.Status = HttpStatusCode.NotFound;
        Assert.Null(await cache.AuthAsync("app1", CancellationToken.None));
        Assert.Equal(1, registry.Calls);

        registry.Status = HttpStatusCode.ServiceUnavailable; // the registry's database is down
        await Task.Delay(20);
        Assert.Null(await cache.AuthAsync("app1", CancellationToken.None)); // the last answer, "not found", stands
    }

    [Fact]
    public async Task A_warmed_record_serves_the_first_call_and_a_call_during_warming_waits_for_it()
    {
        var (cache, registry) = Build(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        registry.Hold = new TaskCompletionSource();
        cache.Warm("app1");
        await Eventually(() => registry.Calls == 1);
        cache.Warm("app1"); // already loading: not asked twice

        var call = cache.AuthAsync("app1", CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(call.IsCompleted); // waits for the load under way instead of asking again
        registry.Hold.SetResult();
        Assert.Equal("1.0.0", (await call)!.Version);
        Assert.Equal("1.0.0", (await cache.AuthAsync("app1", CancellationToken.None))!.Version);
        Assert.Equal(1, registry.Calls);
    }

    [Fact]
    public async Task A_record_changed_while_it_was_warming_is_not_kept()
    {
        var (cache, registry) = Build(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        registry.Hold = new TaskCompletionSource();
        cache.Warm("app1");
        await Eventually(() => registry.Calls == 1);
        registry.Version = "2.0.0";
        cache.Invalidate("app1"); // the registry changed the record after it read it for the warming

        registry.Hold.SetResult();
        registry.Hold = null;
        Assert.Equal("2.0.0", (await cache.AuthAsync("app1", CancellationToken.None))!.Version);
        Assert.Equal(2, registry.Calls);
    }

    [Fact]
    public async Task Warming_while_the_registry_is_down_keeps_nothing_and_the_call_asks_again()
    {
        var (cache, registry) = Build(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300));
        registry.Up = false;
        cache.Warm("app1");
        await Eventually(() => registry.Calls >= 1);
        await Task.Delay(400); // longer than the warming may wait

        registry.Up = true;
        var calls = registry.Calls;
        Assert.Equal("1.0.0", (await cache.AuthAsync("app1", CancellationToken.None))!.Version);
        Assert.Equal(calls + 1, registry.Calls);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
