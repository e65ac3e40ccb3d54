using static ExApps.Gateway.Ocs.Registrations.RegistrationHandlers;
using static ExApps.Gateway.Ocs.Registrations.RegistrationInput;

namespace ExApps.Gateway.Ocs.Registrations;

/// <summary>AppAPI's registration routes under <c>/ocs/v{1,2}.php/apps/app_api</c> (appinfo/routes.php): UI (file
/// actions, top menu, initial state, scripts, styles), declarative settings, occ commands, task processing providers,
/// events listeners and setup checks. Messages are AppAPI's where it has one; where AppAPI answers a bare status the
/// message says what was not found.</summary>
public static class RegistrationOcsEndpoints
{
    private static readonly RegistrationAnswers FileActions = new("File Action Menu entry could not be registered", "FileActionMenu not found");
    private static readonly RegistrationAnswers TopMenus = new("Top Menu entry could not be registered", "No such Top Menu entry");
    private static readonly RegistrationAnswers States = new("InitialState could not be set", "No such InitialState");
    private static readonly RegistrationAnswers Scripts = new("Script could not be set", "No such Script");
    private static readonly RegistrationAnswers Styles = new("Style could not be set", "No such Style");
    private static readonly RegistrationAnswers Forms = new("", "No such settings form", ReadField: "scheme");
    private static readonly RegistrationAnswers Commands = new("", "No such occ command");
    private static readonly RegistrationAnswers Providers = new("", "No such task processing provider", AppIdField: "app_id");
    private static readonly RegistrationAnswers Listeners = new("", "No such events listener");

    public static RouteGroupBuilder MapRegistrationOcsEndpoints(this RouteGroupBuilder g)
    {
        Crud(g, "/api/v1/ui/files-actions-menu", p => RegistrationSpecs.FileAction(p, "1.0"), "files_actions_menu", p => [Text(p, "name", 64)], FileActions);
        g.MapPost("/api/v2/ui/files-actions-menu", (HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct) =>
            SaveAsync(http, d, p => RegistrationSpecs.FileAction(p, "2.0"), FileActions, ct));
        Crud(g, "/api/v1/ui/top-menu", RegistrationSpecs.TopMenu, "top_menu", p => [Text(p, "name", 32)], TopMenus);
        Crud(g, "/api/v1/ui/initial-state", RegistrationSpecs.InitialState, "initial_state", RegistrationSpecs.InitialStateKey, States);
        Crud(g, "/api/v1/ui/script", RegistrationSpecs.Script, "script", RegistrationSpecs.AssetKey, Scripts);
        Crud(g, "/api/v1/ui/style", RegistrationSpecs.Style, "style", RegistrationSpecs.AssetKey, Styles);
        Crud(g, "/api/v1/ui/settings", RegistrationSpecs.SettingsForm, "settings_form", p => [Text(p, "formId", 64)], Forms);
        Crud(g, "/api/v1/occ_command", RegistrationSpecs.OccCommand, "occ_command", p => [Text(p, "name", 64)], Commands);
        Crud(g, "/api/v1/ai_provider/task_processing", TaskProcessingSpec.Parse, "task_processing_provider", p => [Text(p, "name", 255)], Providers);
        Crud(g, "/api/v1/events_listener", RegistrationSpecs.EventsListener, "events_listener", p => [Text(p, "eventType", 32)], Listeners);

        // Setup checks: the app opts itself in or out (no parameters); both answer [] like AppAPI.
        g.MapPost("/api/v1/setup_checks", (HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct) =>
            SaveAsync(http, d, _ => new RegistrationSpec("setup_check", [], new()), new("", ""), ct));
        g.MapDelete("/api/v1/setup_checks", OptOutOfSetupChecks);
        return g;
    }

    /// <summary>AppAPI's optOut answers [] whether or not the app had opted in.</summary>
    private static async Task<IResult> OptOutOfSetupChecks(HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct)
    {
        var (caller, failure, _) = await BeginAsync(http, d, ct);
        if (failure is not null) return failure;
        var answer = await d.Registry.RegistrationAsync(caller!.AppId, "setup_check", "delete", new { key = Array.Empty<string>() }, ct);
        return answer.IsSuccess || answer.Status == System.Net.HttpStatusCode.NotFound
            ? OcsResult.Ok(Array.Empty<object>())
            : FromRegistry(answer, "", "Setup checks could not be turned off");
    }

    private static void Crud(RouteGroupBuilder g, string path, Func<OcsParameters, RegistrationSpec> parse, string kind,
        Func<OcsParameters, string[]> key, RegistrationAnswers answers)
    {
        g.MapPost(path, (HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct) => SaveAsync(http, d, parse, answers, ct));
        g.MapGet(path, (HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct) => GetAsync(http, d, kind, key, answers, ct));
        g.MapDelete(path, (HttpContext http, [AsParameters] RegistrationDeps d, CancellationToken ct) => DeleteAsync(http, d, kind, key, answers, ct));
    }
}
