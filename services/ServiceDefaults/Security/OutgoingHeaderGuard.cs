namespace ExApps.ServiceDefaults.Security;

/// <summary>The last line of defence against header injection: a request whose header names or values hold CR, LF,
/// NUL or another control character is never sent (values are added with <c>TryAddWithoutValidation</c>, which
/// writes them to the wire as they are). The caller sees an <see cref="HttpRequestException"/>, the failure it
/// already handles for an unreachable ExApp. Input validation keeps such values out; this guard makes sure a value
/// stored before the validation existed (or a bug) cannot smuggle a header or a second request to an ExApp.</summary>
public sealed class OutgoingHeaderGuard : DelegatingHandler
{
    public OutgoingHeaderGuard()
    {
    }

    public OutgoingHeaderGuard(HttpMessageHandler inner) : base(inner)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Check(request);
        return base.SendAsync(request, ct);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct)
    {
        Check(request);
        return base.Send(request, ct);
    }

    /// <exception cref="HttpRequestException">A header would inject into the request.</exception>
    /// <remarks>Runs on every proxied request, so it walks the raw header values without parsing or allocating.</remarks>
    public static void Check(HttpRequestMessage request)
    {
        CheckHeaders(request.Headers.NonValidated);
        if (request.Content is { } content) CheckHeaders(content.Headers.NonValidated);
        if (request.RequestUri is { } uri && !SafeText.IsHeaderSafe(uri.OriginalString))
            throw new HttpRequestException("Refused to send a request whose URL holds control characters.");
    }

    private static void CheckHeaders(System.Net.Http.Headers.HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            if (!SafeText.IsHeaderSafe(name) || name.AsSpan().ContainsAny(Whitespace))
                throw new HttpRequestException($"Refused to send a request with the header name \"{SafeText.ForLog(name, 64)}\": it holds control characters or spaces.");
            foreach (var value in values)
                if (!SafeText.IsHeaderSafe(value))
                    throw new HttpRequestException($"Refused to send the {name} header: its value holds CR, LF or other control characters, which would inject headers or requests.");
        }
    }

    /// <summary>What <see cref="char.IsWhiteSpace(char)"/> accepts.</summary>
    private static readonly System.Buffers.SearchValues<char> Whitespace = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, char.MaxValue + 1).Select(i => (char)i).Where(char.IsWhiteSpace).ToArray());
}
