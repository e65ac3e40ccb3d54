using System.Text.Json.Nodes;
using ExApps.Gateway.Auth;
using ExApps.Gateway.Registry;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Ocs.Registrations;

/// <summary>The services a registration handler needs, bound as one parameter. Marked as services, so that the request
/// delegate generator does not take them for a JSON body (tests/Gateway.Tests/EndpointMetadataTests.cs).</summary>
public sealed record RegistrationDeps([FromServices] AppApiAuthenticator Auth, [FromServices] RegistryClient Registry,
    [FromServices] IOptions<GatewayOptions> Options);

/// <summary>How one kind answers: AppAPI's messages, and the shape of a read (AppAPI's entity: id, the app id under
/// <see cref="AppIdField"/>, then the stored fields).</summary>
public sealed record RegistrationAnswers(string SaveFailed, string NotFound, string AppIdField = "appid", string? ReadField = null);

/// <summary>Register, read and remove for every kind alike: AppAPI authentication of an enabled app, the request
/// checked (<see cref="RegistrationSpecs"/>), the registry stores it for the authenticated app (never for an app
/// named in the request). Register and remove answer data <c>[]</c>; an unknown name answers 404.</summary>
public static class RegistrationHandlers
{
    public static async Task<IResult> SaveAsync(HttpContext http, RegistrationDeps d, Func<OcsParameters, RegistrationSpec> parse,
        RegistrationAnswers answers, CancellationToken ct)
    {
        var (caller, failure, p) = await BeginAsync(http, d, ct);
        if (failure is not null) return failure;
        RegistrationSpec spec;
        try { spec = parse(p!); }
        catch (OcsRequestException e) { return OcsResult.Error(400, Prefix(answers.SaveFailed, e.Message)); }
        var answer = await d.Registry.RegistrationAsync(caller!.AppId, spec.Kind, "", new { key = spec.Key, data = spec.Data }, ct);
        return answer.IsSuccess ? OcsResult.Ok(Array.Empty<object>()) : FromRegistry(answer, answers.SaveFailed, answers.SaveFailed);
    }

    public static async Task<IResult> GetAsync(HttpContext http, RegistrationDeps d, string kind, Func<OcsParameters, string[]> key,
        RegistrationAnswers answers, CancellationToken ct)
    {
        var (caller, failure, parts) = await BeginWithKeyAsync(http, d, key, ct);
        if (failure is not null) return failure;
        var answer = await d.Registry.RegistrationAsync(caller!.AppId, kind, "get", new { key = parts }, ct);
        if (!answer.IsSuccess || answer.Body is not JsonObject row) return FromRegistry(answer, answers.NotFound, answers.NotFound);
        return OcsResult.Ok(Entity(row, answers));
    }

    public static async Task<IResult> DeleteAsync(HttpContext http, RegistrationDeps d, string kind, Func<OcsParameters, string[]> key,
        RegistrationAnswers answers, CancellationToken ct)
    {
        var (caller, failure, parts) = await BeginWithKeyAsync(http, d, key, ct);
        if (failure is not null) return failure;
        var answer = await d.Registry.RegistrationAsync(caller!.AppId, kind, "delete", new { key = parts }, ct);
        return answer.IsSuccess ? OcsResult.Ok(Array.Empty<object>()) : FromRegistry(answer, answers.NotFound, answers.NotFound);
    }

    /// <summary>AppAPI's entity from the registry's row: <c>{id, appid, ...fields}</c>, or one field of it (a
    /// settings form answers its scheme).</summary>
    public static JsonNode? Entity(JsonObject row, RegistrationAnswers answers)
    {
        var data = row["data"] as JsonObject ?? new JsonObject();
        if (answers.ReadField is { } field) return data[field]?.DeepClone();
        var entity = new JsonObject { ["id"] = row["id"]?.DeepClone(), [answers.AppIdField] = row["appid"]?.DeepClone() };
        foreach (var (k, v) in data) entity[k] = v?.DeepClone();
        return entity;
    }

    public static async Task<(ExAppCaller?, IResult?, OcsParameters?)> BeginAsync(HttpContext http, RegistrationDeps d, CancellationToken ct)
    {
        var outcome = await d.Auth.AuthenticateAsync(http, _ => false, ct);
        if (outcome.Caller is not { } caller) return (null, outcome.Failure(), null);
        return (caller, null, await OcsParameters.ReadAsync(http.Request, d.Options.Value.Limits.MaxOcsBodyBytes, ct));
    }

    /// <summary><see cref="BeginAsync"/>, then the registration's key from the request (a bad one answers 400).</summary>
    private static async Task<(ExAppCaller?, IResult?, string[])> BeginWithKeyAsync(HttpContext http, RegistrationDeps d,
        Func<OcsParameters, string[]> key, CancellationToken ct)
    {
        var (caller, failure, p) = await BeginAsync(http, d, ct);
        if (failure is not null) return (null, failure, []);
        try { return (caller, null, key(p!)); }
        catch (OcsRequestException e) { return (null, OcsResult.Error(400, e.Message), []); }
    }

    /// <summary>The registry's 400 names the field; a 404 is the kind's "not found"; anything else is ours to hide.</summary>
    public static IResult FromRegistry(RegistryAnswer answer, string notFound, string otherwise) => (int)answer.Status switch
    {
        400 => OcsResult.Error(400, answer.Detail),
        404 => OcsResult.Error(OcsResult.NotFound, notFound),
        _ => OcsResult.Error(400, otherwise),
    };

    private static string Prefix(string appApiMessage, string problem) => appApiMessage.Length == 0 ? problem : $"{appApiMessage}: {problem}";
}
