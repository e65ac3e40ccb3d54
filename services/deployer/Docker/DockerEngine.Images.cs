using System.Net;
using System.Text.Json;

namespace ExApps.Deployer.Docker;

public sealed partial class DockerEngine
{
    public async Task PullImageAsync(string fromImage, string tag, Func<PullMessage, ValueTask> onMessage,
        CancellationToken ct = default)
    {
        var operation = $"Image {fromImage}:{tag} could not be pulled";
        var path = await PathAsync($"/images/create?fromImage={Escape(fromImage)}&tag={Escape(tag)}", ct);
        // Headers only: the body is a stream of JSON lines that lasts as long as the download.
        using var response = await SendAsync(HttpMethod.Post, path, null, operation, _requestTimeout, ct,
            HttpCompletionOption.ResponseHeadersRead);
        await EnsureSuccessAsync(response, operation, ct);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                var message = Parse(line, operation);
                // A failure after the 200 (registry refused a layer, disk full) only shows up in the stream.
                var error = message.ErrorDetail?.Message ?? message.Error;
                if (!string.IsNullOrEmpty(error))
                    throw new DockerEngineException($"{operation}: {error}", DockerErrorKind.Engine);
                await onMessage(message);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            throw DockerErrors.Unreachable(Endpoint, operation, e, _lastTlsFailure);
        }
    }

    public async Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken ct = default)
    {
        var operation = $"Image {reference} could not be inspected";
        var path = await PathAsync($"/images/{Escape(reference)}/json", ct);
        using var response = await SendAsync(HttpMethod.Get, path, null, operation, _requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadJsonAsync<ImageInfo>(response, operation, ct);
    }

    public async Task<bool> RemoveImageAsync(string reference, CancellationToken ct = default)
    {
        // Never forced: an image another container or tag still needs is refused by the engine (409), not removed.
        var operation = $"Image {reference} could not be removed";
        using var response = await SendAsync(HttpMethod.Delete, await PathAsync($"/images/{Escape(reference)}", ct),
            null, operation, _requestTimeout, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, operation, ct);
        return true;
    }

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersUsingAsync(string image, CancellationToken ct = default)
    {
        // "ancestor" also matches containers of images built on top of this one: they need it as well.
        var filters = Escape(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["ancestor"] = [image] }));
        var operation = $"Containers using image {image} could not be listed";
        using var response = await SendAsync(HttpMethod.Get,
            await PathAsync($"/containers/json?all=true&filters={filters}", ct), null, operation, _requestTimeout, ct);
        return await ReadJsonAsync<List<ContainerSummary>>(response, operation, ct);
    }

    private PullMessage Parse(string line, string operation)
    {
        try
        {
            return JsonSerializer.Deserialize<PullMessage>(line, DockerJson.Options)
                   ?? throw new JsonException("null message");
        }
        catch (JsonException)
        {
            throw new DockerEngineException($"{operation}: Docker engine {Endpoint} sent an unreadable progress line.",
                DockerErrorKind.Engine);
        }
    }
}
