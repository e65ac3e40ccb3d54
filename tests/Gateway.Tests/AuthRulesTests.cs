using System.Net;
using System.Text;
using ExApps.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Tests;

public sealed class AuthRulesTests
{
    [Theory]
    [InlineData("alice:secret", "alice", "secret")]
    [InlineData(":secret", "", "secret")]
    [InlineData("alice:sec:ret", "alice", "sec:ret")]
    public void Credentials_split_at_the_first_colon(string plain, string user, string secret)
    {
        Assert.True(Base64Credentials.TryParse(Convert.ToBase64String(Encoding.UTF8.GetBytes(plain)), out var u, out var s));
        Assert.Equal(user, u);
        Assert.Equal(secret, s);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm9jb2xvbg==")] // "nocolon"
    public void Bad_base64_or_no_colon_is_refused(string header) =>
        Assert.False(Base64Credentials.TryParse(header, out _, out _));

    [Fact]
    public void Secrets_compare_equal_only_when_identical()
    {
        Assert.True(AppApiAuthenticator.SecretsEqual("abc", "abc"));
        Assert.False(AppApiAuthenticator.SecretsEqual("abc", "abd"));
        Assert.False(AppApiAuthenticator.SecretsEqual("abc", "abcd"));
        Assert.False(AppApiAuthenticator.SecretsEqual("", "abc"));
    }

    [Theory]
    [InlineData("test-exapp", true)]
    [InlineData("nc_py_api", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("..", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)] // 33 characters
    public void App_ids_are_at_most_32_letters_digits_underscores_dashes(string id, bool valid) =>
        Assert.Equal(valid, AppIds.IsValid(id));

    private static FailureThrottle Throttle(int max = 3) => new(Options.Create(new GatewayOptions
    {
        Throttle = new ThrottleOptions { MaxFailures = max, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
    }), TimeProvider.System);

    [Fact]
    public void Throttle_delay_doubles_per_failure_then_refuses_past_the_maximum()
    {
        using var t = Throttle();
        var ip = IPAddress.Parse("10.0.0.1");
        Assert.Equal(TimeSpan.Zero, t.DelayFor(ip));
        t.RegisterFailure(ip);
        Assert.Equal(TimeSpan.FromMilliseconds(100), t.DelayFor(ip));
        t.RegisterFailure(ip);
        Assert.Equal(TimeSpan.FromMilliseconds(200), t.DelayFor(ip));
        t.RegisterFailure(ip);
        Assert.Null(t.DelayFor(ip));
        Assert.Equal(TimeSpan.Zero, t.DelayFor(IPAddress.Parse("10.0.0.2"))); // per address
    }

    [Fact]
    public void Throttle_is_cleared_by_a_success_and_treats_mapped_ipv4_as_the_same_client()
    {
        using var t = Throttle();
        t.RegisterFailure(IPAddress.Parse("::ffff:10.0.0.3"));
        Assert.Equal(1, t.Failures(IPAddress.Parse("10.0.0.3")));
        t.Reset(IPAddress.Parse("10.0.0.3"));
        Assert.Equal(0, t.Failures(IPAddress.Parse("::ffff:10.0.0.3")));
    }

    [Fact]
    public void Throttle_delay_is_capped()
    {
        var o = new ThrottleOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(25) };
        Assert.Equal(TimeSpan.FromSeconds(25), FailureThrottle.Delay(40, o));
        Assert.Equal(TimeSpan.FromMilliseconds(800), FailureThrottle.Delay(4, o));
    }
}
