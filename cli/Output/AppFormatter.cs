using ExApps.Cli.Api;

namespace ExApps.Cli.Output;

/// <summary>The lines of <c>app:list</c> and the live progress line of <c>app:register --wait-finish</c>.</summary>
public static class AppFormatter
{
    /// <summary>AppAPI's header line of <c>app:list</c>.</summary>
    public const string ListHeader = "ExApps:";

    /// <summary><c>&lt;appid&gt; (&lt;name&gt;): &lt;version&gt; [enabled|disabled]</c>, as AppAPI prints it, and what
    /// the platform saw of an enabled app that is not well (AppAPI does not watch its apps).</summary>
    public static string ListLine(AppView app) =>
        $"{app.Appid} ({app.Name}): {app.Version} [{(app.Enabled ? "enabled" : "disabled")}]" +
        (app.Enabled && app.Health is { State: not "ok" and not "" } h ? $" {h.State}: {h.Reason}" : "");

    public static readonly string[] TableHeaders = ["App ID", "Name", "Version", "Daemon", "Port", "State", "Status"];

    /// <summary>The app list for people: one row per app with its daemon, port and where its status stands, and with
    /// <paramref name="updates"/> (app id -> newer release) an Update column.</summary>
    public static string Table(IReadOnlyList<AppView> apps, IReadOnlyDictionary<string, string>? updates = null) =>
        TextTable.Render(updates is null ? TableHeaders : [.. TableHeaders, "Update"], apps.Select(a =>
        {
            IReadOnlyList<string> row =
            [
                a.Appid, a.Name, a.Version, a.DaemonConfigName, a.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                a.Enabled ? "enabled" : "disabled",
                a.Enabled && a.Health is { State: not "ok" and not "" } h ? $"{h.State}: {h.Reason}"
                : a.Status.Error.Length > 0 ? "error: " + a.Status.Error
                    : a.Operation is { } op ? $"{op}: deploy {a.Status.Deploy}%, init {a.Status.Init}%"
                    : "",
            ];
            return updates is null ? row : [.. row, updates.GetValueOrDefault(a.Appid) ?? ""];
        }).ToList());

    /// <summary>e.g. <c>hello: deploy 100% | init  40% | init</c>.</summary>
    public static string ProgressLine(AppView app) =>
        $"{app.Appid}: deploy {app.Status.Deploy,3}% | init {app.Status.Init,3}% | {Stage(app)}";

    private static string Stage(AppView app) => app.Status switch
    {
        { Error.Length: > 0 } => "failed",
        { Action.Length: > 0 } s => s.Action,
        _ when app.Enabled => "enabled",
        { Init: 100 } => "enabling",
        _ => "waiting",
    };
}
