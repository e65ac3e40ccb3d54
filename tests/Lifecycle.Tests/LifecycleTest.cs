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

    /// <summary>A secret shaped like the ones the registry generates (spec §2).</summary>
    protected static string NewSecret() => RandomNumberGenerator.GetString(SecretAlphabet, 128);

    protected static string AuthorizationFor(string secret) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + secret));
}
