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

    [Fact]
    public void Throttle_buckets_keep_apps_unknown_ids_proxy_and_admin_apart_and_treat_mapped_ipv4_as_one_client()
    {
        var ip = IPAddress.Parse("10.0.0.3");
        var mapped = IPAddress.Parse("::ffff:10.0.0.3");
        Assert.Equal(FailureThrottle.AppKey(ip, "a"), FailureThrottle.AppKey(mapped, "a"));
        var keys = new[]
        {
            FailureThrottle.AppKey(ip, "a"), FailureThrottle.AppKey(ip, "b"), FailureThrottle.UnknownAppKey(ip),
            FailureThrottle.ProxyKey(ip, "a"), FailureThrottle.AdminKey(ip), FailureThrottle.AppKey(IPAddress.Parse("10.0.0.4"), "a"),
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }
}
