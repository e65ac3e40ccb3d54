using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExApps.EndToEnd.Tests.Store;

/// <summary>Where developers put their release archives (the download links they publish): a small HTTP server in
/// the test process that serves files by name. A file can be replaced after it was published, as a download host
/// that changes what a link serves.</summary>
public sealed class ReleaseServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private Uri _base = null!;

    private ReleaseServer(WebApplication app) => _app = app;

    public static async Task<ReleaseServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new ReleaseServer(builder.Build());
        server._app.MapGet("/releases/{name}", (string name) => server._files.TryGetValue(name, out var data)
            ? Results.Bytes(data, "application/gzip") : Results.NotFound());
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server._base = new Uri(address + "/releases/");
        return server;
    }

    /// <summary>Serves <paramref name="path"/>'s bytes as <paramref name="name"/> (now, later ones replace them);
    /// returns the download link.</summary>
    public string Serve(string name, string path)
    {
        _files[name] = File.ReadAllBytes(path);
        return new Uri(_base, name).ToString();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
