using ExApps.Cli.Api;
using ExApps.Cli.Output;

namespace ExApps.Cli.Commands.App;

public sealed record InstallResult(bool Succeeded, string? Error);

/// <summary>
/// Polls an app until its install is finished or failed, showing each change of deploy %, init % and action.
/// No client-side deadline: the platform's own timeouts (heartbeat, init) end a stuck install with an error.
/// </summary>
public sealed class InstallWaiter(
    Func<CancellationToken, Task<AppView>> fetch,
    ProgressReporter progress,
    TimeSpan interval,
    int unreachableAttempts = 20)
{
    public async Task<InstallResult> WaitAsync(string appId, CancellationToken ct)
    {
        var unreachable = 0;
        var notFound = 0;
        var seen = false;
        try
        {
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
                    return new InstallResult(false, $"ExApp {appId} is no longer registered: it was removed during the install.");
                }

                progress.Report(AppFormatter.ProgressLine(app));
                switch (InstallProgress.Phase(app))
                {
                    case InstallPhase.Finished:
                        return new InstallResult(true, null);
                    case InstallPhase.Failed:
                        return new InstallResult(false, InstallProgress.FailureMessage(app));
                }
                await Task.Delay(interval, ct);
            }
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>The <c>--wait-finish</c> of app:register and app:update: live progress (unless silent), then an
    /// error message, or null once the operation finished. <paramref name="what"/> names it ("install",
    /// "update") in the message shown when the user stops waiting.</summary>
    public static async Task<(int ExitCode, string? Error)> WaitWithProgressAsync(CliContext context, string appId,
        bool silent, string what, CancellationToken ct)
    {
        var progress = new ProgressReporter(context.Out, context.Terminal, enabled: !silent && !context.Quiet);
        var waiter = new InstallWaiter(c => context.Api.GetAppAsync(appId, c), progress, context.PollInterval);
        try
        {
            var result = await waiter.WaitAsync(appId, ct);
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
