namespace ExApps.Contracts;

public sealed record ContainerRunning(string AppId);
