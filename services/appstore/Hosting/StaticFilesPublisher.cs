using Microsoft.Extensions.Options;

namespace ExApps.AppStore.Hosting;

/// <summary>Copies the store's bundled static files to <see cref="AppStoreOptions.StaticRoot"/> at start, where the
/// web server in front serves them (the real store's container fills its static/ folder the same way).</summary>
public sealed class StaticFilesPublisher(IOptions<AppStoreOptions> options, ILogger<StaticFilesPublisher> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        var target = options.Value.StaticRoot;
        if (string.IsNullOrWhiteSpace(target)) return Task.CompletedTask;
        var source = Path.Combine(AppContext.BaseDirectory, "static");
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
            count++;
        }
        logger.LogInformation("Copied {Count} static files to {Target}", count, target);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
