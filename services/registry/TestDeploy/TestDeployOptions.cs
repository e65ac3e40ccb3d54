using System.Security;
using System.Text.RegularExpressions;

namespace ExApps.Registry.TestDeploy;

/// <summary>Section <c>Registry:TestDeploy</c>: the small ExApp a daemon's test deploy installs and removes again.</summary>
public sealed partial class TestDeployOptions
{
    /// <summary>The image, <c>registry/repository:tag</c>. The project's test ExApp (scripts/build-test-image.sh
    /// pushes it to the local registry) answers heartbeat, init (reporting progress) and enabled.</summary>
    public string Image { get; set; } = "localhost:5000/exapps/test-exapp:1.0.0";

    /// <summary>Test deploy apps are named <c>&lt;prefix&gt;-&lt;6 hex digits&gt;</c>.</summary>
    public string AppIdPrefix { get; set; } = "test-deploy";

    /// <summary>A test deploy that has not ended by then fails (and is removed).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,24}$")]
    private static partial Regex PrefixPattern();

    // registry host[:port] / repository : tag
    [GeneratedRegex(@"^(?<registry>[A-Za-z0-9.-]+(:[0-9]{1,5})?)/(?<image>[a-z0-9]+([._/-][a-z0-9]+)*):(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$")]
    private static partial Regex ImagePattern();

    public IEnumerable<string> Problems()
    {
        if (!PrefixPattern().IsMatch(AppIdPrefix))
            yield return "Registry:TestDeploy:AppIdPrefix must be 1-24 letters, digits, '_' or '-'.";
        if (Parse() is null)
            yield return "Registry:TestDeploy:Image must be registry/repository:tag (for example localhost:5000/exapps/test-exapp:1.0.0).";
        if (Timeout <= TimeSpan.Zero)
            yield return "Registry:TestDeploy:Timeout must be positive.";
    }

    public (string Registry, string Image, string Tag)? Parse() =>
        ImagePattern().Match(Image) is { Success: true } m ? (m.Groups["registry"].Value, m.Groups["image"].Value, m.Groups["tag"].Value) : null;

    /// <summary>The built-in manifest of the test deploy app: no routes, no variables, just the image.</summary>
    public string InfoXml(string appId)
    {
        var (registry, image, tag) = Parse()!.Value;
        return $"""
            <?xml version="1.0"?>
            <info>
              <id>{SecurityElement.Escape(appId)}</id>
              <name>Test deploy</name>
              <summary>Walks a daemon through every step of an install, then is removed</summary>
              <version>1.0.0</version>
              <licence>agpl</licence>
              <author>ExApps platform</author>
              <external-app>
                <docker-install>
                  <registry>{SecurityElement.Escape(registry)}</registry>
                  <image>{SecurityElement.Escape(image)}</image>
                  <image-tag>{SecurityElement.Escape(tag)}</image-tag>
                </docker-install>
              </external-app>
            </info>
            """;
    }
}
