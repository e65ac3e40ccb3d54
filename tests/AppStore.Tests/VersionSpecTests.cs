using ExApps.AppStore.Versioning;

namespace ExApps.AppStore.Tests;

public sealed class VersionSpecTests
{
    [Theory]
    [InlineData("30", "35", ">=30.0.0 <36.0.0", ">=30 <=35")]
    [InlineData("30.1", "31.0", ">=30.1.0 <31.1.0", ">=30.1 <=31.0")]
    [InlineData("30.0.2", "", ">=30.0.2", ">=30.0.2")]
    [InlineData("", "32", "<33.0.0", "<=32")]
    [InlineData("", "", "*", "*")]
    public void Info_xml_bounds_become_the_stores_specs(string min, string max, string spec, string raw)
    {
        Assert.Equal(spec, VersionSpec.ToSpec(VersionSpec.PadMin(min), VersionSpec.PadMax(max)));
        Assert.Equal(raw, VersionSpec.ToRawSpec(VersionSpec.Raw(min), VersionSpec.Raw(max)));
    }

    [Theory]
    [InlineData("30.0.0", ">=30.0.0 <36.0.0", true)]
    [InlineData("35.9.9", ">=30.0.0 <36.0.0", true)]
    [InlineData("36.0.0", ">=30.0.0 <36.0.0", false)]
    [InlineData("29.0.17", ">=30.0.0 <36.0.0", false)]
    [InlineData("31.0.0", ">=31.0.0,<33.0.0", true)]
    [InlineData("1.0.0", "*", true)]
    [InlineData("33.0.0", "<33.0.0", false)]
    public void A_platform_version_matches_a_spec_when_it_satisfies_every_clause(string version, string spec, bool expected) =>
        Assert.Equal(expected, VersionSpec.Matches(SemVer.Parse(version), spec));

    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.2", "1.0.0-alpha.10")]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta")]
    [InlineData("1.9.0", "1.10.0")]
    public void Semantic_versions_order_by_precedence(string lower, string higher) =>
        Assert.True(SemVer.Parse(lower) < SemVer.Parse(higher));

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0+build.1")]
    [InlineData("v1.0.0")]
    public void Versions_with_build_metadata_or_missing_parts_are_not_release_versions(string text) =>
        Assert.False(SemVer.TryParse(text, out _));
}
