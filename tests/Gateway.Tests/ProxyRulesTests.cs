using ExApps.Gateway.Auth;
using ExApps.Gateway.Proxy;
using ExApps.Gateway.Registry;

namespace ExApps.Gateway.Tests;

public sealed class ProxyRulesTests
{
    private static AppRoute R(string url, string verb, int level) => new(url, verb, level, [], []);

    private static readonly AppRoute[] Routes =
    [
        R("^/public$", "GET", 0),
        R("^/api/.*", "GET,POST, PUT,DELETE", 1),
        R("^/admin/.*", "GET", 2),
        R("^/api/open", "GET", 0), // shadowed: an earlier route decides
        R("/files", "GET", 0),     // anchored at the start: matches /files..., not /x/files
    ];

    [Theory]
    [InlineData("GET", "public", "^/public$")]
    [InlineData("get", "PUBLIC", "^/public$")]
    [InlineData("PUT", "api/x", "^/api/.*")]
    [InlineData("GET", "api/open", "^/api/.*")]
    [InlineData("GET", "admin/settings", "^/admin/.*")]
    [InlineData("GET", "/files/a", "/files")]
    public void The_first_route_matching_url_and_verb_decides(string method, string path, string expectedUrl) =>
        Assert.Equal(expectedUrl, RouteAcl.Match(Routes, method, path)?.Url);

    [Theory]
    [InlineData("POST", "public")]
    [InlineData("PATCH", "api/x")]
    [InlineData("GET", "x/files")]
    [InlineData("GET", "publicity")]
    [InlineData("GET", "")]
    public void No_matching_route_means_no_access(string method, string path) =>
        Assert.Null(RouteAcl.Match(Routes, method, path));

    [Theory]
    [InlineData(0, null, true)]
    [InlineData(0, "user", true)]
    [InlineData(1, null, false)]
    [InlineData(1, "user", true)]
    [InlineData(1, "admin", true)]
    [InlineData(2, null, false)]
    [InlineData(2, "user", false)]
    [InlineData(2, "admin", true)]
    [InlineData(7, "admin", false)]
    public void Access_levels_admit_anyone_users_or_admins(int level, string? who, bool allowed)
    {
        var user = who is null ? null : new NextcloudUser(who, who == "admin");
        Assert.Equal(allowed, RouteAcl.Allows(R("^/", "GET", level), user));
    }

    [Fact]
    public void An_invalid_route_regex_matches_nothing() =>
        Assert.Null(RouteAcl.Match([R("([", "GET", 0)], "GET", "x"));

    [Theory]
    [InlineData("/index.php/apps/app_api/proxy/app/../other/x")]
    [InlineData("/apps/app_api/proxy/app/%2e%2e/x")]
    [InlineData("/apps/app_api/proxy/app/%2E%2E%2Fx")]
    [InlineData("/apps/app_api/proxy/app/.%2e/x")]
    [InlineData("/apps/app_api/proxy/app/%252e%252e/x")]
    [InlineData("/apps/app_api/proxy/app/..%5Cx")]
    [InlineData("/apps/app_api/proxy/app/a\\..\\b")]
    [InlineData("/apps/app_api/proxy/app/..")]
    public void Dot_dot_segments_in_any_encoding_are_traversal(string raw) => Assert.True(PathGuard.HasTraversal(raw));

    [Theory]
    [InlineData("/apps/app_api/proxy/app/a..b/c")]
    [InlineData("/apps/app_api/proxy/app/.well-known/x")]
    [InlineData("/apps/app_api/proxy/app/file...txt")]
    [InlineData("/apps/app_api/proxy/app/%2e/x")]
    public void Dots_that_are_not_a_parent_segment_pass(string raw) => Assert.False(PathGuard.HasTraversal(raw));

    [Theory]
    [InlineData("/index.php/apps/app_api/proxy/app/api/x%2Fy", "/index.php/apps/app_api/proxy", "/api/x%2Fy")]
    [InlineData("/apps/app_api/proxy/app/", "/apps/app_api/proxy", "/")]
    [InlineData("/apps/app_api/proxy/app", "/apps/app_api/proxy", "/")]
    public void The_forwarded_path_keeps_the_client_s_encoding(string raw, string prefix, string rest) =>
        Assert.Equal(rest, ExAppProxy.RestOfRawPath(raw, prefix));

    [Fact]
    public void Request_ids_look_like_AppAPI_s_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => ExAppRequester.NewRequestId()).ToList();
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
