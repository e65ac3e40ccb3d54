namespace ExApps.Contracts;

/// <summary>Published by the registry after it changed an app's record: a lifecycle snapshot applied
/// (<see cref="Seq"/> is the snapshot now held, or the newer one it already held), or a record edit (routes, info;
/// <see cref="Seq"/> 0). The gateway drops its cached copy; the lifecycle learns that what it is waiting for is
/// visible.</summary>
public sealed record AppChanged(string AppId, long Seq);
