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
    private const string Record = """{"appid":"app1","version":"1.0.0","secret":"s","enabled":true,"status_type":"install"}""";

    /// <summary>The registry's side of the wire: answers whatever the test says at the moment, or refuses.</summary>
    private sealed class Registry : HttpMessageHandler
    {
        public volatile bool Up = true;
        public volatile HttpStatusCode Status = HttpStatusCode.OK;
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            if (!Up) throw new HttpRequestException("Connection refused (127.0.0.1:8081)");
            return Task.FromResult(new HttpResponseMessage(Status)
            {
                Content = new StringContent(Status == HttpStatusCode.OK ? Record : "", Encoding.UTF8, "application/json"),
            });
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
}
