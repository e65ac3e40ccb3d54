using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ExApps.Registry.IntegrationTests;

/// <summary>app:register --info-xml URL: the registry fetches it (from a small Kestrel server in the test).</summary>
[Collection(RegistryCollection.Name)]
public sealed class InfoXmlUrlTests(RegistryHost host) : IAsyncLifetime
{
    private WebApplication? _server;
    private string _base = "";

    public async Task InitializeAsync()
    {
        var b = WebApplication.CreateBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        _server = b.Build();
        _server.MapGet("/apps/{id}/info.xml", (string id) => Results.Text(
            $"<info><id>{id}</id><name>From URL</name><version>3.1.0</version><external-app><routes><route><url>^/x$</url><verb>GET</verb><access_level>USER</access_level></route></routes></external-app></info>",
            "application/xml"));
        await _server.StartAsync();
        _base = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    [Fact]
    public async Task Register_fetches_the_info_xml_from_an_http_url()
    {
        await host.RegisterManualDaemonAsync("it_url");

        using var r = await host.Http.PostAsJsonAsync("/admin/apps",
            new { appid = "fromurl", daemon = "it_url", info_xml_url = $"{_base}/apps/fromurl/info.xml" });

        Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        var app = await host.GetJsonAsync("/admin/apps/fromurl");
        Assert.Equal(("From URL", "3.1.0"), (app.GetProperty("name").GetString(), app.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task An_info_xml_url_that_answers_404_is_rejected_naming_the_field_and_nothing_is_stored()
    {
        await host.RegisterManualDaemonAsync("it_url");

        using var r = await host.Http.PostAsJsonAsync("/admin/apps",
            new { appid = "nourl", daemon = "it_url", info_xml_url = $"{_base}/missing.xml" });

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_app_info", problem.GetProperty("error_code").GetString());
        Assert.Equal("info_xml_url", problem.GetProperty("field").GetString());
        Assert.Contains("HTTP 404", problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM registry.apps WHERE appid = 'nourl'"));
    }
}
