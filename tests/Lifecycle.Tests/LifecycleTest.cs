using System.Security.Cryptography;
using System.Text;

namespace ExApps.Lifecycle.Tests;

/// <summary>Each test starts from an empty lifecycle table and uses app ids and secrets of its own.</summary>
public abstract class LifecycleTest : IAsyncLifetime
{
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public Task InitializeAsync() => TestDatabase.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected static string NewAppId() => "app_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>An app of this test: its own id, secret and stand-in ExApp.</summary>
    protected static TestApp NewApp(StandInExApp exApp, bool docker = true) =>
        new(NewAppId(), NewSecret(), exApp, docker, Guid.NewGuid());

    /// <summary>A secret shaped like the ones the registry generates (docs/protocol.md).</summary>
    protected static string NewSecret() => RandomNumberGenerator.GetString(SecretAlphabet, 128);

    /// <summary>Installs the app (an ExApp without an init step) and waits until it is enabled.</summary>
    protected static async Task InstalledAsync(LifecycleTestHost host, TestApp app, string autoRecover = "none")
    {
        app.ExApp.InitStatus = 404;
        var install = app.Install() with { App = app.Spec() with { AutoRecover = autoRecover } };
        await host.Publish(install);
        Assert.Equal(Machine.Outcome.Enabled, (await host.Ended(app.AppId, install.OperationId)).LastOperation!.Outcome);
    }

    protected static string AuthorizationFor(string secret) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + secret));
}
