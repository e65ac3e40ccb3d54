namespace ExApps.EndToEnd.Tests;

/// <summary>The platform for the CLI-level tests of issue 3 (registry and admin CLI): its own database, vhost and
/// ports, app ids starting with <c>reg-</c>.</summary>
public sealed class CliFixture : PlatformFixture
{
    private static readonly (string Name, int Port) Own = Named("reg", 18180);
    protected override string Name => Own.Name;
    protected override int BasePort => Own.Port;

    /// <summary>Writes the test ExApp's manifest for <paramref name="appId"/> with another version (same image).</summary>
    public static string InfoXmlFor(string appId, string version) =>
        RewriteVersion(TestApps.InfoXmlFor(appId), version);

    private static string RewriteVersion(string path, string version)
    {
        File.WriteAllText(path, File.ReadAllText(path).Replace("<version>1.0.0</version>", $"<version>{version}</version>"));
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "cli";
}
