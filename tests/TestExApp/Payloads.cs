using System.Text.Json.Serialization;

namespace ExApps.TestExApp;

public sealed record StatusBody(string Status);

public sealed record EnabledBody(string Error);

public sealed record MessageBody(string Message);

public sealed record EmptyBody;

/// <summary>The body of <c>PUT /ocs/v1.php/apps/app_api/ex-app/status</c> (docs/protocol.md §5.2 step 3).</summary>
public sealed record StatusReportBody(int Progress, string? Error);

public sealed record ProgressReport(int Progress, string? Error, int HttpStatus);

public sealed record StateSnapshot(
    string AppId,
    string AppVersion,
    int InitCalls,
    IReadOnlyList<int> EnabledCalls,
    int HeaderFailures,
    IReadOnlyList<ProgressReport> ProgressReports,
    bool PersistentStorageWritable,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<string>? EnabledHandlerCalls = null);

public sealed record EchoBody(
    string Method,
    string Path,
    string Query,
    string? UserId,
    IReadOnlyDictionary<string, string> Headers,
    string Body);

/// <summary>One request as the app received it (<c>GET /test/requests</c>): header names in lower case with their
/// values, the AppAPI secret header reduced to "***".</summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers);

/// <summary><c>POST /test/call</c>: a call this app makes to the platform with its own AppAPI credentials, as an
/// ExApp built with nc_py_api would (<see cref="Path"/> below <c>/ocs/{ocs}.php/apps/app_api/</c>, query included;
/// <see cref="Body"/> JSON text sent as the request body).</summary>
public sealed record CallRequest(string Method, string Path, string? Body = null, string? User = null, string? Ocs = null);

/// <summary>The platform's answer to a <see cref="CallRequest"/>.</summary>
public sealed record CallResult(int Status, string Body);

/// <summary>A Talk bot message this app received (<c>POST /bots/...</c>), as it arrived.</summary>
public sealed record BotMessage(string Path, string Body, string Random, string Signature, string ContentType);

/// <summary>Source-generated JSON so the trimmed single-file publish needs no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(EnabledBody))]
[JsonSerializable(typeof(MessageBody))]
[JsonSerializable(typeof(EmptyBody))]
[JsonSerializable(typeof(StatusReportBody))]
[JsonSerializable(typeof(StateSnapshot))]
[JsonSerializable(typeof(EchoBody))]
[JsonSerializable(typeof(IReadOnlyList<ReceivedRequest>))]
[JsonSerializable(typeof(CallRequest))]
[JsonSerializable(typeof(CallResult))]
[JsonSerializable(typeof(IReadOnlyList<BotMessage>))]
public sealed partial class AppJsonContext : JsonSerializerContext;
