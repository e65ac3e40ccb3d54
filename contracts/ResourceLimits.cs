namespace ExApps.Contracts;

public sealed record ResourceLimits(long? Memory, long? NanoCpus);
