using ExApps.Contracts;
using ExApps.Registry.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace ExApps.Registry.Apps;

/// <summary>Spec §4.1: an authenticated ExApp that sends a greater EX-APP-VERSION raises the stored version.
/// Never lowers it, so an old or replayed report changes nothing.</summary>
public sealed class AppVersionReportedConsumer(RegistryDb db, ILogger<AppVersionReportedConsumer> log)
    : IConsumer<AppVersionReported>
{
    public async Task Consume(ConsumeContext<AppVersionReported> context)
    {
        var (appId, version) = (context.Message.AppId, context.Message.Version.Trim());
        // The gateway checks the header too; a message from anywhere else must not store a header-breaking value.
        if (!ServiceDefaults.Security.SafeText.IsVersion(version))
        {
            log.LogWarning("Version report for {AppId} ignored: not a valid version", ServiceDefaults.Security.SafeText.ForLog(appId, 64));
            return;
        }
        var ct = context.CancellationToken;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Apps.FromSql($"SELECT * FROM registry.apps WHERE appid = {appId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (row is null || !AppVersion.IsGreater(version, row.Version)) return;
        log.LogInformation("ExApp {AppId} reported version {Version}; stored version {Old} raised", appId, version, row.Version);
        row.Version = version;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
