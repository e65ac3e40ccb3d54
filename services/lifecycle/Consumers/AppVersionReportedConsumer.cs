using ExApps.Contracts;
using ExApps.Lifecycle.Persistence;
using MassTransit;

namespace ExApps.Lifecycle.Consumers;

/// <summary>The EX-APP-VERSION rule (spec §4.1): an ExApp that reports a greater version than the stored one is
/// called with that version from now on (it rejects calls with any other). Lower or equal versions, and apps this
/// service has no row for, change nothing.</summary>
public sealed class AppVersionReportedConsumer(OperationStore store, ILogger<AppVersionReportedConsumer> logger)
    : IConsumer<AppVersionReported>
{
    public async Task Consume(ConsumeContext<AppVersionReported> context)
    {
        var reported = context.Message;
        // a concurrent transition may touch the row between read and write: read again and retry
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await store.FindAsync(reported.AppId, context.CancellationToken);
            if (row is null || !AppVersions.IsGreater(reported.Version, row.Version)) return;
            if (await store.ReplaceVersionAsync(row, reported.Version, context.CancellationToken))
            {
                logger.LogInformation("ExApp {AppId} reported version {Version}; it was {Previous}",
                    reported.AppId, reported.Version, row.Version);
                return;
            }
        }
    }
}
