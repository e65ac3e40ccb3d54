namespace ExApps.Contracts;

/// <summary>Published by the gateway when an authenticated ExApp sends an EX-APP-VERSION greater than the stored
/// one (spec §4.1): the registry raises the stored version.</summary>
public sealed record AppVersionReported(string AppId, string Version);
