namespace ExApps.Contracts;

/// <summary>Published by the gateway when an authenticated ExApp sends an EX-APP-VERSION greater than the stored
/// one: the lifecycle raises the version it calls the ExApp with (ExApps reject any other), and its snapshot
/// carries it to the registry.</summary>
public sealed record AppVersionReported(string AppId, string Version);
