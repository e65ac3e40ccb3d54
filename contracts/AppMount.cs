namespace ExApps.Contracts;

public sealed record AppMount(string Source, string Target, bool ReadOnly);
