using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>A local HTTP server the store downloads release archives from: files by name, redirect chains, a 404,
/// and a route that never answers.</summary>
public sealed class ArchiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files;
    public Uri Base { get; }

    private ArchiveServer(WebApplication app, ConcurrentDictionary<string, byte[]> files, Uri baseUri)
    {
        _app = app; _files = files; Base = baseUri;
    }

    public static async Task<ArchiveServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var files = new ConcurrentDictionary<string, byte[]>();
        app.MapGet("/files/{name}", (string name) => files.TryGetValue(name, out var data)
            ? Results.Bytes(data, "application/gzip") : Results.NotFound());
        app.MapGet("/redirect/{n:int}/{name}", (int n, string name) =>
            Results.Redirect(n > 0 ? $"/redirect/{n - 1}/{name}" : $"/files/{name}"));
        app.MapGet("/hang/{name}", async (CancellationToken ct) => { await Task.Delay(Timeout.Infinite, ct); return Results.Ok(); });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ArchiveServer(app, files, new Uri(address + "/"));
    }

    public string Serve(string name, byte[] data)
    {
        _files[name] = data;
        return new Uri(Base, $"files/{name}").ToString();
    }

    public string Url(string path) => new Uri(Base, path).ToString();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
