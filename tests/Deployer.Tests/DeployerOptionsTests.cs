using ExApps.Deployer.Docker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExApps.Deployer.Tests;

public sealed class DeployerOptionsTests
{
    [Fact]
    public void Defaults_are_AppAPIs()
    {
        var options = Resolve([]);

        Assert.Equal("unless-stopped", options.RestartPolicy);
        Assert.Equal(TimeSpan.FromSeconds(90), options.RunningTimeout);
        Assert.Equal(TimeSpan.FromMinutes(15), options.HealthTimeout);
        Assert.Equal("1.44", options.MaxApiVersion);
    }

    [Fact]
    public void Settings_bind_from_the_Deployer_section()
    {
        var options = Resolve(new()
        {
            ["Deployer:RestartPolicy"] = "always",
            ["Deployer:RunningTimeout"] = "00:00:30",
            ["Deployer:MaxApiVersion"] = "1.41",
        });

        Assert.Equal("always", options.RestartPolicy);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RunningTimeout);
        Assert.Equal("1.41", options.MaxApiVersion);
    }

    [Theory]
    [InlineData("Deployer:RestartPolicy", "sometimes", "RestartPolicy")]
    [InlineData("Deployer:MaxApiVersion", "v1.44", "MaxApiVersion")]
    [InlineData("Deployer:HealthTimeout", "00:00:00", "HealthTimeout")]
    [InlineData("Deployer:InstancePrefix", "-starts-with-dash", "InstancePrefix")]
    [InlineData("Deployer:InstancePrefix", "has space", "InstancePrefix")]
    [InlineData("Deployer:TrustedCaFile", "/nonexistent/ca.pem", "TrustedCaFile")]
    [InlineData("Deployer:ClientCertificateFile", "/etc/hostname", "ClientKeyFile")]
    [InlineData("Deployer:ConcurrentDeploys", "0", "ConcurrentDeploys")]
    [InlineData("Deployer:MaxMessageHold", "00:00:00", "MaxMessageHold")]
    public void A_bad_setting_fails_with_its_name(string key, string value, string name)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void A_trusted_ca_file_without_a_certificate_fails_at_start_with_the_settings_name()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "not a certificate");
        try
        {
            var e = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Deployer:TrustedCaFile"] = file }));

            Assert.Contains("TrustedCaFile", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Names_are_AppAPIs_unless_an_instance_prefix_is_set()
    {
        var plain = new Deploy.AppNames(Options.Create(new DeployerOptions()));
        var prefixed = new Deploy.AppNames(Options.Create(new DeployerOptions { InstancePrefix = "cloud2_" }));

        Assert.Equal("nc_app_my-app", plain.Container("my-app"));
        Assert.Equal("nc_app_my-app_data", plain.Volume("my-app"));
        Assert.Equal("cloud2_nc_app_my-app", prefixed.Container("my-app"));
        Assert.Equal("cloud2_nc_app_my-app_data", prefixed.Volume("my-app"));
    }

    private static DeployerOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddDeployerServices(configuration).BuildServiceProvider();
        Assert.IsType<DockerEngines>(provider.GetRequiredService<IDockerEngines>());
        return provider.GetRequiredService<IOptions<DeployerOptions>>().Value;
    }
}
