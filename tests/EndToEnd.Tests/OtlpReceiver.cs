using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExApps.EndToEnd.Tests;

/// <summary>An OTLP/HTTP endpoint in the test process that keeps the spans the services export: which service,
/// which trace, which name. Enough of OTLP's protobuf is read by hand (resource attributes and span ids) to need no
/// protobuf package; metrics and logs are accepted and dropped.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public sealed record Span(string Service, string TraceId, string Name);

    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Span> Spans { get; } = new();
    public string Url { get; private set; } = "";

    /// <summary>The services' environment that sends their traces here, quickly.</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Url,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "600000",
    };

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in ReadTraces(body.ToArray())) receiver.Spans.Enqueue(span);
            return Results.Ok();
        });
        app.MapPost("/v1/{signal}", () => Results.Ok());
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    // ExportTraceServiceRequest: 1 resource_spans { 1 resource { 1 attributes: KeyValue { 1 key, 2 AnyValue { 1 string } } },
    // 2 scope_spans { 2 spans { 1 trace_id, 5 name } } }
    private static IEnumerable<Span> ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            var service = "";
            var spans = new List<(string TraceId, string Name)>();
            foreach (var field in Fields(resourceSpans.Bytes))
            {
                if (field.Number == 1)
                    foreach (var attribute in Fields(field.Bytes).Where(a => a.Number == 1))
                    {
                        var parts = Fields(attribute.Bytes).ToList();
                        if (Text(parts, 1) != "service.name") continue;
                        var value = parts.FirstOrDefault(p => p.Number == 2);
                        if (value.Bytes is not null) service = Text(Fields(value.Bytes).ToList(), 1);
                    }
                else if (field.Number == 2)
                    foreach (var span in Fields(field.Bytes).Where(s => s.Number == 2))
                    {
                        var parts = Fields(span.Bytes).ToList();
                        var traceId = parts.FirstOrDefault(p => p.Number == 1).Bytes ?? [];
                        spans.Add((Convert.ToHexStringLower(traceId), Text(parts, 5)));
                    }
            }
            foreach (var (traceId, name) in spans) yield return new Span(service, traceId, name);
        }
    }

    private static string Text(List<(int Number, byte[] Bytes)> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number).Bytes is { } b ? System.Text.Encoding.UTF8.GetString(b) : "";

    /// <summary>The length-delimited fields of one protobuf message (other wire types are skipped).</summary>
    private static IEnumerable<(int Number, byte[] Bytes)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: Varint(message, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    fields.Add((number, message[i..(i + length)]));
                    i += length;
                    break;
                default: throw new FormatException($"Unexpected protobuf wire type {tag & 7}.");
            }
        }
        return fields;
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
