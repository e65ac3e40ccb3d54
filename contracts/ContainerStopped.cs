namespace ExApps.Contracts;

public sealed record ContainerStopped(string AppId, bool WasRunning);
