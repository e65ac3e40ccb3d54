using System.Text.Json;
using ExApps.Registry.AppInfo;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Apps;

/// <summary>Turns the app info of a request (info.xml text, info.xml URL, or JSON) into a validated model. A request
/// with none of them installs from the app store instead (Store/StoreReleases.cs), whose release archive brings its
/// info.xml, validated by <see cref="Checked"/> like these.</summary>
public sealed class AppInfoLoader(IHttpClientFactory http, IOptions<RegistryOptions> options)
{
    public const string HttpClientName = "info-xml";

    /// <summary>Whether the request gives app info itself (else it comes from the app store).</summary>
    public static bool HasSource(string? infoXml, string? infoXmlUrl, JsonElement? jsonInfo) =>
        infoXml is not null || infoXmlUrl is not null || jsonInfo is not null;

    public async Task<AppInfoModel> LoadAsync(string appId, string? infoXml, string? infoXmlUrl, JsonElement? jsonInfo,
        CancellationToken ct)
    {
        var given = new[] { infoXml is not null, infoXmlUrl is not null, jsonInfo is not null }.Count(x => x);
        if (given == 0)
            throw new AppInfoException("info_xml", "No app info given: pass --info-xml or --json-info, or install from the app store.");
        if (given > 1)
            throw new AppInfoException("info_xml", "Give only one of --info-xml and --json-info.");

        var limit = options.Value.MaxInfoXmlBytes;
        if (infoXml is { } inline && System.Text.Encoding.UTF8.GetByteCount(inline) > limit)
            throw new AppInfoException("info_xml", $"`info_xml` is larger than {limit} bytes.", 413);
        if (jsonInfo is { } j && j.GetRawText().Length > limit)
            throw new AppInfoException("json_info", $"`json_info` is larger than {limit} bytes.", 413);
        if (infoXmlUrl is { } u && Validation.FieldRules.Text("info_xml_url", u, Validation.InputLimits.InfoUrl) is { } badUrl)
            throw new AppInfoException("info_xml_url", badUrl);

        return Checked(appId, jsonInfo is { } json ? JsonInfoParser.Parse(json, appId)
            : InfoXmlParser.Parse(infoXml ?? await FetchAsync(infoXmlUrl!, ct)));
    }

    /// <summary>Parsed app info that is for <paramref name="appId"/> and passes every rule (Validation/AppInfoRules.cs).</summary>
    public static AppInfoModel Checked(string appId, AppInfoModel info)
    {
        if (!string.Equals(info.Id, appId, StringComparison.Ordinal))
            throw new AppInfoException("id", $"The app info is for `{ServiceDefaults.Security.SafeText.ForLog(info.Id, 64)}`, not `{appId}`.");
        Validation.AppInfoRules.Check(info);
        return info;
    }

    private async Task<string> FetchAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new AppInfoException("info_xml_url", $"`{url}` is not an http(s) URL.");
        var limit = options.Value.MaxInfoXmlBytes;
        try
        {
            using var response = await http.CreateClient(HttpClientName).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                throw new AppInfoException("info_xml_url", $"Fetching {url} answered HTTP {(int)response.StatusCode}.");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int n;
            while ((n = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + n > limit)
                    throw new AppInfoException("info_xml_url", $"The info.xml at {url} is larger than {limit} bytes.", 413);
                buffer.Write(chunk, 0, n);
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (HttpRequestException e)
        {
            throw new AppInfoException("info_xml_url", $"Fetching {url} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AppInfoException("info_xml_url", $"Fetching {url} timed out.");
        }
    }
}
