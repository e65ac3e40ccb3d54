using System.Text.Json;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using ExApps.Contracts;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.Tests;

public sealed class ContainerSpecBuilderTests
{
    private const string Image = "localhost:5000/exapps/app-one:1.2.3-cpu";

    [Fact]
    public void Create_body_on_a_user_network_carries_every_field_of_spec_step_4()
    {
        var request = Requests.Deploy(
            Requests.Daemon(net: "exapps", limits: new ResourceLimits(536870912, 1500000000)),
            env: [new AppEnvVar("LOG_LEVEL", "debug")],
            mounts: [new AppMount("/srv/models", "/models", ReadOnly: true), new AppMount("/srv/out", "/out", false)]);

        var body = ContainerSpecBuilder.Build(request, Image, "unless-stopped");

        var expected = JsonNode.Parse("""
            {
              "Hostname": "app_one",
              "Image": "localhost:5000/exapps/app-one:1.2.3-cpu",
              "Env": [
                "AA_VERSION=32.0.0", "APP_SECRET=s3cr3t-value", "APP_ID=app_one", "APP_DISPLAY_NAME=App One",
                "APP_VERSION=1.2.3", "APP_HOST=0.0.0.0", "APP_PORT=23001",
                "APP_PERSISTENT_STORAGE=/nc_app_app_one_data", "NEXTCLOUD_URL=https://cloud.example.com",
                "COMPUTE_DEVICE=CPU", "LOG_LEVEL=debug"
              ],
              "HostConfig": {
                "NetworkMode": "exapps",
                "RestartPolicy": { "Name": "unless-stopped" },
                "Mounts": [
                  { "Type": "volume", "Source": "nc_app_app_one_data", "Target": "/nc_app_app_one_data", "ReadOnly": false },
                  { "Type": "bind", "Source": "/srv/models", "Target": "/models", "ReadOnly": true },
                  { "Type": "bind", "Source": "/srv/out", "Target": "/out", "ReadOnly": false }
                ],
                "Memory": 536870912,
                "NanoCpus": 1500000000
              },
              "NetworkingConfig": { "EndpointsConfig": { "exapps": { "Aliases": ["app_one"] } } }
            }
            """);
        var actual = JsonNode.Parse(JsonSerializer.Serialize(body, DockerJson.Options));
        Assert.True(JsonNode.DeepEquals(expected, actual), actual!.ToJsonString());
    }

    [Fact]
    public void Environment_follows_AppAPI_order_then_declared_variables_in_request_order()
    {
        var request = Requests.Deploy(env:
        [
            new AppEnvVar("Z_LAST_DECLARED_FIRST", "1"), new AppEnvVar("EMPTY", ""), new AppEnvVar("A_SECOND", "2"),
        ]);

        var names = ContainerSpecBuilder.Build(request, Image, "unless-stopped").Env.Select(e => e.Split('=')[0]);

        Assert.Equal(new[]
        {
            "AA_VERSION", "APP_SECRET", "APP_ID", "APP_DISPLAY_NAME", "APP_VERSION", "APP_HOST", "APP_PORT",
            "APP_PERSISTENT_STORAGE", "NEXTCLOUD_URL", "COMPUTE_DEVICE", "Z_LAST_DECLARED_FIRST", "A_SECOND",
        }, names);
    }

    [Theory]
    [InlineData("host", null, "127.0.0.1")]
    [InlineData("bridge", null, "0.0.0.0")]
    [InlineData("exapps", null, "0.0.0.0")]
    [InlineData("host", "10.1.2.3", "10.1.2.3")]
    [InlineData("exapps", "192.168.7.7", "192.168.7.7")]
    [InlineData("host", "", "127.0.0.1")]
    public void App_host_is_the_override_else_loopback_on_host_network_else_any_address(
        string net, string? overrideHost, string expected)
    {
        var options = overrideHost is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["OVERRIDE_APP_HOST"] = overrideHost };
        var request = Requests.Deploy(Requests.Daemon(net: net, additionalOptions: options));

        var env = ContainerSpecBuilder.Build(request, Image, "unless-stopped").Env;

        Assert.Contains($"APP_HOST={expected}", env);
    }

    [Fact]
    public void Cuda_requests_nvidia_devices_and_adds_the_driver_variables_after_compute_device()
    {
        var body = ContainerSpecBuilder.Build(Requests.Deploy(Requests.Daemon(computeDevice: "cuda"),
            env: [new AppEnvVar("APP_VAR", "x")]), Image, "unless-stopped");

        var request = Assert.Single(body.HostConfig!.DeviceRequests!);
        Assert.Equal("nvidia", request.Driver);
        Assert.Equal(-1, request.Count);
        Assert.Equal(new[] { "compute", "utility" }, Assert.Single(request.Capabilities));
        Assert.Null(body.HostConfig!.Devices);
        Assert.Equal(new[]
        {
            "COMPUTE_DEVICE=CUDA", "NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility", "APP_VAR=x",
        }, body.Env.Skip(9));
    }

    [Fact]
    public void Rocm_maps_kfd_and_dri_devices_read_write_mknod()
    {
        var body = ContainerSpecBuilder.Build(Requests.Deploy(Requests.Daemon(computeDevice: "rocm")), Image, "no");

        Assert.Equal(
            new[] { ("/dev/kfd", "/dev/kfd", "rwm"), ("/dev/dri", "/dev/dri", "rwm") },
            body.HostConfig!.Devices!.Select(d => (d.PathOnHost, d.PathInContainer, d.CgroupPermissions)));
        Assert.Null(body.HostConfig!.DeviceRequests);
        Assert.Equal("COMPUTE_DEVICE=ROCM", body.Env.Last());
    }

    [Fact]
    public void Cpu_without_limits_sends_no_devices_and_no_limits()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(
            ContainerSpecBuilder.Build(Requests.Deploy(), Image, "always"), DockerJson.Options))!["HostConfig"]!;

        Assert.Equal(new[] { "NetworkMode", "RestartPolicy", "Mounts" }, json.AsObject().Select(p => p.Key));
        Assert.Equal("always", (string?)json["RestartPolicy"]!["Name"]);
    }

    [Theory]
    [InlineData("host")]
    [InlineData("bridge")]
    [InlineData("none")]
    [InlineData("container:other")]
    public void Built_in_networks_get_no_endpoint_alias(string net)
    {
        var body = ContainerSpecBuilder.Build(Requests.Deploy(Requests.Daemon(net: net)), Image, "unless-stopped");

        Assert.Null(body.NetworkingConfig);
        Assert.Equal(net, body.HostConfig!.NetworkMode);
    }

    [Fact]
    public void An_empty_network_means_the_host_network()
    {
        var body = ContainerSpecBuilder.Build(Requests.Deploy(Requests.Daemon(net: " ")), Image, "unless-stopped");

        Assert.Equal("host", body.HostConfig!.NetworkMode);
        Assert.Contains("APP_HOST=127.0.0.1", body.Env);
    }

    [Fact]
    public void An_unknown_compute_device_is_refused_with_its_name()
    {
        var e = Assert.Throws<DeployException>(() =>
            ContainerSpecBuilder.Build(Requests.Deploy(Requests.Daemon(computeDevice: "tpu")), Image, "no"));

        Assert.Contains("'tpu'", e.Message);
    }
}
