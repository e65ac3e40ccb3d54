namespace ExApps.Contracts;

/// <summary>A declared app variable with its final (non-empty) value.</summary>
public sealed record AppEnvVar(string Name, string Value);
