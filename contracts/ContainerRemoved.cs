namespace ExApps.Contracts;

public sealed record ContainerRemoved(string AppId, bool ContainerExisted, bool VolumeRemoved);
