namespace ExApps.Lifecycle.Tests;

/// <summary>Waits for something the services do asynchronously. The limit only bounds a failing test; no test
/// asserts how fast anything happens.</summary>
public static class Eventually
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static async Task<T> Get<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}");
            await Task.Delay(20);
        }
    }

    public static Task<T> Get<T>(Func<T?> probe, string what) where T : class =>
        Get(() => Task.FromResult(probe()), what);

    public static Task True(Func<bool> condition, string what) =>
        Get(() => condition() ? "ok" : null, what);

    /// <summary>Waits until the app's row satisfies <paramref name="condition"/> and returns it.</summary>
    public static Task<Machine.AppState> Row(string appId, Func<Machine.AppState, bool> condition,
        string what) =>
        Get(async () => await TestDatabase.FindAsync(appId) is { } row && condition(row) ? row : null,
            $"{appId}: {what}");
}
