namespace ExApps.Contracts;

/// <summary>Published by the registry when an ExApp removed one registration (<see cref="ExAppRegistrationSaved"/>).
/// When a whole app is unregistered the registry publishes <see cref="AppUnregistered"/> instead: every
/// registration of that app is gone with it.</summary>
public sealed record ExAppRegistrationRemoved
{
    public required string AppId { get; init; }
    public required string Kind { get; init; }
    public required IReadOnlyList<string> Key { get; init; }
    public required DateTimeOffset RemovedAt { get; init; }
}
