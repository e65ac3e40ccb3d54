namespace ExApps.Contracts;

/// <summary>Published by the registry after it changed an app's record: a lifecycle snapshot applied
/// (<see cref="Seq"/> is the snapshot now held, or the newer one it already held), or a record edit (routes, info;
/// <see cref="Seq"/> 0). The gateway drops its cached copy; the lifecycle learns that what it is waiting for is
/// visible. <see cref="CallsExpected"/>: the app was just enabled for its init (the lifecycle waits for this event to
/// call <c>/init</c>), so the ExApp is about to call the platform: a gateway loads the app's record again right
/// away instead of on that first call.</summary>
public sealed record AppChanged(string AppId, long Seq, bool CallsExpected = false);
