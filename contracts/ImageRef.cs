namespace ExApps.Contracts;

/// <summary>The image of an ExApp as its app info declares it (registry, image, tag).</summary>
public sealed record ImageRef(string Registry, string Image, string Tag);
