namespace ExApps.Contracts;

/// <summary>Published by the registry once every record of the app is gone.</summary>
public sealed record AppUnregistered(string AppId);
