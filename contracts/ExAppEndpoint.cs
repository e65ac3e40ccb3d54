namespace ExApps.Contracts;

/// <summary>How the lifecycle reaches and authenticates to an ExApp (spec §4.2).</summary>
public sealed record ExAppEndpoint(string AppId, string Version, string Url, Secret Secret);
