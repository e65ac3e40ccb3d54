using ExApps.Cli.Api;
using ExApps.Cli.Output;

namespace ExApps.Cli.Commands.App;

public sealed record InstallResult(bool Succeeded, string? Error);

/// <summary>
/// Follows an app until its operation has finished or failed, showing each change of deploy %, init % and action.
/// Live when the platform streams the app's changes (<c>/watch</c>), else by polling. No client-side deadline:
/// the platform's own timeouts (heartbeat, init) end a stuck operation with an error.
/// </summary>
public sealed class InstallWaiter(
    Func<CancellationToken, Task<AppView>> fetch,
    ProgressReporter progress,
    TimeSpan interval,
    int unreachableAttempts = 20,
    Func<CancellationToken, IAsyncEnumerable<AppView>>? watch = null)
{
    public async Task<InstallResult> WaitAsync(string appId, CancellationToken ct, Guid? operationId = null)
    {
        try
        {
            if (watch is not null && await FollowAsync(appId, operationId, ct) is { } followed) return followed;
            return await PollAsync(appId, operationId, ct);
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>The live stream; null when it broke off or is not offered (then polling takes over).</summary>
    private async Task<InstallResult?> FollowAsync(string appId, Guid? operationId, CancellationToken ct)
    {
        try
        {
            await foreach (var app in watch!(ct))
            {
                if (Judge(app, operationId) is { } result) return result;
            }
            return Removed(appId);
        }
        catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound)
        {
            return null; // not readable yet right after the 202, or gone: polling tells which
        }
        catch (ApiException ex) when (ex.Failure is ApiFailure.Unreachable or ApiFailure.Problem or ApiFailure.Unexpected
                                      && ex.ErrorCode != ErrorCodes.Unauthorized)
        {
            return null;
        }
    }

    private async Task<InstallResult> PollAsync(string appId, Guid? operationId, CancellationToken ct)
    {
        var unreachable = 0;
        var notFound = 0;
        var seen = false;
        while (true)
        {
            AppView app;
            try
            {
                app = await fetch(ct);
                unreachable = 0;
                seen = true;
            }
            // A gateway restart during a long install should not end the wait; a gateway that stays down does.
            catch (ApiException ex) when (ex.Failure == ApiFailure.Unreachable && ++unreachable < unreachableAttempts)
            {
                await Task.Delay(interval, ct);
                continue;
            }
            // Right after the 202 the app may not be readable yet; once seen, a 404 means it was removed.
            catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound && !seen && ++notFound < unreachableAttempts)
            {
                await Task.Delay(interval, ct);
                continue;
            }
            catch (ApiException ex) when (ex.ErrorCode == ErrorCodes.AppNotFound)
            {
                return Removed(appId);
            }
            if (Judge(app, operationId) is { } result) return result;
            await Task.Delay(interval, ct);
        }
    }

    private InstallResult? Judge(AppView app, Guid? operationId)
    {
        progress.Report(AppFormatter.ProgressLine(app));
        return InstallProgress.Phase(app, operationId) switch
        {
            InstallPhase.Finished => new InstallResult(true, null),
            InstallPhase.Failed => new InstallResult(false, InstallProgress.FailureMessage(app)),
            _ => null,
        };
    }

    private static InstallResult Removed(string appId) =>
        new(false, $"ExApp {appId} is no longer registered: it was removed during the install.");

    /// <summary>The <c>--wait-finish</c> of app:register and app:update: live progress (unless silent), then an
    /// error message, or null once the operation finished. <paramref name="what"/> names it ("install",
    /// "update") in the message shown when the user stops waiting.</summary>
    public static async Task<(int ExitCode, string? Error)> WaitWithProgressAsync(CliContext context, string appId,
        Guid? operationId, bool silent, string what, CancellationToken ct)
    {
        var progress = new ProgressReporter(context.Out, context.Terminal, enabled: !silent && !context.Quiet);
        var waiter = new InstallWaiter(c => context.Api.GetAppAsync(appId, c), progress, context.PollInterval,
            watch: c => context.Api.WatchAppAsync(appId, c));
        try
        {
            var result = await waiter.WaitAsync(appId, ct, operationId);
            return result.Succeeded ? (0, null) : (1, result.Error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return (CliApp.Interrupted, $"Stopped waiting for ExApp {appId}; the {what} goes on in the platform.");
        }
        catch (ApiException ex)
        {
            return (1, ex.Describe());
        }
    }
}
