namespace ExApps.Contracts;

public sealed record ContainerLogs(string AppId, string Text);
