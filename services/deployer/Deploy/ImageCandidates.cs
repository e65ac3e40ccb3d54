using ExApps.Contracts;

namespace ExApps.Deployer.Deploy;

/// <summary>An image reference to try. <see cref="Pull"/> is false when a registry remap says <c>local</c>: the
/// image must already be on the engine.</summary>
public sealed record ImageCandidate(string Registry, string Repository, string Tag, bool Pull)
{
    /// <summary>The <c>fromImage</c> of a pull: registry and repository, without the tag.</summary>
    public string FromImage => $"{Registry}/{Repository}";

    public string Reference => $"{FromImage}:{Tag}";

    public override string ToString() => Reference;
}

/// <summary>Which images a deploy tries, in order (docs/protocol.md §3 step 2): the compute-device variant
/// <c>&lt;tag&gt;-&lt;cpu|cuda|rocm&gt;</c> first, then the declared tag, both after the daemon's registry remaps.</summary>
public static class ImageCandidates
{
    public const string DefaultRegistry = "docker.io";
    public const string DefaultTag = "latest";
    public const string Local = "local";

    public static IReadOnlyList<ImageCandidate> For(string appId, ImageRef image, ComputeDevice device,
        IReadOnlyList<RegistryRemap> remaps)
    {
        var registry = Blank(image.Registry) ? DefaultRegistry : image.Registry.Trim().TrimEnd('/');
        var repository = Blank(image.Image) ? appId : image.Image.Trim();
        var tag = Blank(image.Tag) ? DefaultTag : image.Tag.Trim();

        var pull = true;
        // Registry host names are case-insensitive; the first matching remap wins.
        var remap = remaps.FirstOrDefault(r => string.Equals(r.From.Trim().TrimEnd('/'), registry,
            StringComparison.OrdinalIgnoreCase));
        if (remap is not null)
        {
            if (string.Equals(remap.To.Trim(), Local, StringComparison.OrdinalIgnoreCase))
                pull = false; // keep the declared name: that is what the operator loaded locally
            else
                registry = remap.To.Trim().TrimEnd('/');
        }

        return
        [
            new ImageCandidate(registry, repository, $"{tag}-{device.TagSuffix()}", pull),
            new ImageCandidate(registry, repository, tag, pull),
        ];
    }

    private static bool Blank(string? s) => string.IsNullOrWhiteSpace(s);
}
