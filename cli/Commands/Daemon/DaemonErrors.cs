using ExApps.Cli.Api;

namespace ExApps.Cli.Commands.Daemon;

internal static class DaemonErrors
{
    /// <summary>AppAPI's wording for an unknown daemon; other API errors pass through unchanged.</summary>
    public static async Task<T> Map<T>(string name, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.DaemonNotFound)
        {
            throw new CliException($"Daemon config {name} not found.");
        }
    }
}
