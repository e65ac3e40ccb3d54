using ExApps.Contracts;
using ExApps.Deployer.Deploy;

namespace ExApps.Deployer.Tests;

public sealed class ImageCandidatesTests
{
    private static readonly ImageRef Declared = new("ghcr.io", "nextcloud/context_chat", "4.1.0");

    [Theory]
    [InlineData(ComputeDevice.Cpu, "ghcr.io/nextcloud/context_chat:4.1.0-cpu")]
    [InlineData(ComputeDevice.Cuda, "ghcr.io/nextcloud/context_chat:4.1.0-cuda")]
    [InlineData(ComputeDevice.Rocm, "ghcr.io/nextcloud/context_chat:4.1.0-rocm")]
    public void The_compute_device_variant_is_tried_before_the_declared_tag(ComputeDevice device, string variant)
    {
        var candidates = ImageCandidates.For("context_chat", Declared, device, []);

        Assert.Equal(new[] { variant, "ghcr.io/nextcloud/context_chat:4.1.0" }, candidates.Select(c => c.Reference));
        Assert.All(candidates, c => Assert.True(c.Pull));
        Assert.Equal("ghcr.io/nextcloud/context_chat", candidates[0].FromImage);
        Assert.Equal($"4.1.0-{device.TagSuffix()}", candidates[0].Tag);
    }

    [Fact]
    public void Missing_parts_default_to_docker_io_the_appid_and_latest()
    {
        var candidates = ImageCandidates.For("my_app", new ImageRef("", " ", ""), ComputeDevice.Cpu, []);

        Assert.Equal(new[] { "docker.io/my_app:latest-cpu", "docker.io/my_app:latest" },
            candidates.Select(c => c.Reference));
    }

    [Fact]
    public void A_registry_remap_replaces_the_registry_of_every_candidate()
    {
        var candidates = ImageCandidates.For("context_chat", Declared, ComputeDevice.Cpu,
        [
            new RegistryRemap("docker.io", "mirror.invalid"),
            new RegistryRemap("GHCR.IO", "localhost:5000/"),
            new RegistryRemap("ghcr.io", "second-match-is-ignored:5000"),
        ]);

        Assert.Equal(new[]
        {
            "localhost:5000/nextcloud/context_chat:4.1.0-cpu", "localhost:5000/nextcloud/context_chat:4.1.0",
        }, candidates.Select(c => c.Reference));
        Assert.All(candidates, c => Assert.True(c.Pull));
    }

    [Fact]
    public void A_remap_to_local_keeps_the_declared_name_and_never_pulls()
    {
        var candidates = ImageCandidates.For("context_chat", Declared, ComputeDevice.Cuda,
            [new RegistryRemap("ghcr.io", "local")]);

        Assert.Equal(new[] { "ghcr.io/nextcloud/context_chat:4.1.0-cuda", "ghcr.io/nextcloud/context_chat:4.1.0" },
            candidates.Select(c => c.Reference));
        Assert.All(candidates, c => Assert.False(c.Pull));
    }

    [Fact]
    public void A_remap_of_another_registry_changes_nothing()
    {
        var candidates = ImageCandidates.For("context_chat", Declared, ComputeDevice.Cpu,
            [new RegistryRemap("docker.io", "local")]);

        Assert.All(candidates, c => Assert.True(c.Pull));
        Assert.All(candidates, c => Assert.Equal("ghcr.io", c.Registry));
    }
}
