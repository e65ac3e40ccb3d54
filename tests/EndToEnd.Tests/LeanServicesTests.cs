namespace ExApps.EndToEnd.Tests;

/// <summary>Libraries a service must not load, each of which a past change removed from its resident memory
/// (docs/performance.md, "Memory"): the file being mapped in the running process is the regression. The fixture's
/// services have started and answered health checks; other tests of the collection may have used them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LeanServicesTests(GatewayFixture gw)
{
    [Fact]
    public void No_service_maps_kerberos_iis_or_the_quic_transport()
    {
        foreach (var name in new[] { "gateway", "registry", "lifecycle", "deployer" })
        {
            var files = gw.Service(name).MappedFiles();
            Assert.True(files.Count > 20, $"{name}: /proc maps read ({files.Count} files)");
            Assert.Contains("System.Private.CoreLib.dll", files);
            // GSS encryption is off for a loopback PostgreSQL (PostgresSchema.WithoutLoopbackTls); the slim host
            // has neither IIS integration nor HTTP/3.
            Assert.DoesNotContain(files, f => f.StartsWith("libgssapi_krb5") || f.StartsWith("libkrb5"));
            Assert.DoesNotContain("Microsoft.AspNetCore.Server.IIS.dll", files);
            Assert.DoesNotContain("Microsoft.AspNetCore.Server.Kestrel.Transport.Quic.dll", files);
        }
    }

    [Fact]
    public void The_gateway_maps_neither_npgsql_nor_the_data_protection_key_ring()
    {
        var files = gw.Service("gateway").MappedFiles();
        Assert.Contains("Yarp.ReverseProxy.dll", files);
        // It has no database: its health checks must not load Npgsql to find that out (HealthExtensions).
        Assert.DoesNotContain("Npgsql.dll", files);
        Assert.DoesNotContain("System.Data.Common.dll", files);
        // YARP registers data protection; no protector is asked for, so no key ring (System.Private.Xml) loads.
        Assert.DoesNotContain("System.Private.Xml.dll", files);
    }
}
