namespace ExApps.Contracts;

/// <summary>An image registry remap of a daemon; <c>To == "local"</c> means never pull.</summary>
public sealed record RegistryRemap(string From, string To);
