namespace ExApps.AppStore.Releases;

/// <summary>What the store keeps from an ExApp's info.xml.</summary>
public sealed record ExAppInfo
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    /// <summary>lang -> name, summary, description (English required; missing languages fall back to it).</summary>
    public required Dictionary<string, AppTexts> Translations { get; init; }
    public required List<string> Licenses { get; init; }
    public required List<Author> Authors { get; init; }
    public required List<string> Categories { get; init; }
    public required List<Screenshot> Screenshots { get; init; }
    public string UserDocs { get; init; } = "";
    public string AdminDocs { get; init; } = "";
    public string DeveloperDocs { get; init; } = "";
    public string Website { get; init; } = "";
    public string Discussion { get; init; } = "";
    public string IssueTracker { get; init; } = "";
    public required string PlatformVersionSpec { get; init; }
    public required string RawPlatformVersionSpec { get; init; }
    public required string PhpVersionSpec { get; init; }
    public required string RawPhpVersionSpec { get; init; }
    public int MinIntSize { get; init; } = 32;
    public required DockerInstall DockerInstall { get; init; }
    public bool IsSystem { get; init; }
    public required List<ApiScope> ApiScopes { get; init; }
    public required List<EnvironmentVariable> EnvironmentVariables { get; init; }
}

public sealed record AppTexts(string Name, string Summary, string Description);
public sealed record Author(string Name, string Mail, string Homepage);
public sealed record Screenshot(string Url, string SmallThumbnail);
public sealed record DockerInstall(string Registry, string Image, string ImageTag);
public sealed record ApiScope(string ScopeName, bool Optional);
public sealed record EnvironmentVariable(string EnvName, string DisplayName, string Description, string Default);
