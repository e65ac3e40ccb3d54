using ExApps.Contracts;

namespace ExApps.Registry.Store;

/// <summary>Which release of a store app the platform installs: among the releases its channel admits (no nightlies
/// or pre-releases on the stable channel) that suit its Nextcloud version (<see cref="PlatformVersionSpec"/>), the
/// highest version by <see cref="ExAppVersion"/>, as AppAPI's fetcher keeps it.</summary>
public static class ReleaseChoice
{
    public static StoreRelease? Newest(StoreApp app, string nextcloudVersion, StoreOptions options)
    {
        StoreRelease? best = null;
        foreach (var r in app.Releases.Where(r => Admitted(r, options)
            && PlatformVersionSpec.Matches(nextcloudVersion, r.RawPlatformVersionSpec, r.PlatformVersionSpec, options.IgnoreMaxVersion)))
            if (best is null || ExAppVersion.IsGreater(r.Version, best.Version)) best = r;
        return best;
    }

    /// <summary>Why <see cref="Newest"/> found nothing, naming the releases and what each needs.</summary>
    public static string WhyNone(StoreApp app, string nextcloudVersion, StoreOptions options)
    {
        if (app.Releases.Count == 0) return $"the app store lists no release of {app.Id}";
        var reasons = app.Releases
            .OrderByDescending(r => r.Version, Comparer<string>.Create(ExAppVersion.Compare))
            .Take(5)
            .Select(r => !Admitted(r, options)
                ? $"{r.Version} is a {(r.IsNightly ? "nightly" : "pre-release")}"
                : $"{r.Version} needs Nextcloud {Spec(r, options)}");
        return $"no release of {app.Id} is compatible with Nextcloud {nextcloudVersion} on the {options.Channel} channel ({string.Join("; ", reasons)})";
    }

    private static bool Admitted(StoreRelease r, StoreOptions options) =>
        (options.AllowsNightlies || !r.IsNightly) && (options.AllowsPreReleases || !ExAppVersion.IsPreRelease(r.Version));

    private static string Spec(StoreRelease r, StoreOptions options)
    {
        var spec = string.IsNullOrWhiteSpace(r.RawPlatformVersionSpec) ? r.PlatformVersionSpec : r.RawPlatformVersionSpec;
        if (options.IgnoreMaxVersion)
            spec = string.Join(' ', spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(c => !c.StartsWith('<')));
        return spec.Length == 0 ? "(no readable version spec)" : spec;
    }
}
