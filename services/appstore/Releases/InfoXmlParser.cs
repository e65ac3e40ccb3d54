using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using ExApps.AppReleases;
using ExApps.AppStore.Versioning;

namespace ExApps.AppStore.Releases;

/// <summary>Parses and validates an ExApp's info.xml as the store needs it: id, semantic version, English name,
/// summary and description, licence, author, the Nextcloud dependency that becomes the platform spec, and the
/// <c>&lt;external-app&gt;</c> (or legacy <c>&lt;ex-app&gt;</c>) block with <c>&lt;docker-install&gt;</c>.
/// Entities and DTDs are refused (no XXE).</summary>
public static class InfoXmlParser
{
    public static ExAppInfo Parse(string xml)
    {
        XElement root;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml),
                new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
            root = XElement.Load(reader);
        }
        catch (XmlException e)
        {
            throw new ReleaseCheckException($"info.xml contains malformed xml: {e.Message}");
        }
        if (root.Name.LocalName != "info") Invalid($"the root element is <{root.Name.LocalName}>, expected <info>");

        var id = Required(root, "id");
        var version = Required(root, "version");
        if (!SemVer.TryParse(version, out _))
            Invalid($"<version> {version} is not a semantic version without build metadata (e.g. 1.2.0 or 1.2.0-beta.1)");

        var exApp = root.Element("external-app") ?? root.Element("ex-app");
        if (exApp is null)
            throw new ReleaseCheckException($"info.xml of {id} describes no ExApp: an <external-app> block with <docker-install> is required (this store only holds ExApps)");
        var docker = exApp.Element("docker-install")
            ?? throw new ReleaseCheckException($"info.xml of {id} describes no ExApp: its <{exApp.Name.LocalName}> block has no <docker-install>");
        var image = Text(docker, "image");
        if (image.Length == 0) Invalid("<docker-install> has no <image>");

        var nextcloud = root.Element("dependencies")?.Element("nextcloud");
        if (nextcloud is null) Invalid("<dependencies><nextcloud min-version=\"...\"/> is required");
        if (nextcloud.Attribute("min-version") is null) Invalid("<nextcloud> needs a min-version attribute");
        var php = root.Element("dependencies")?.Element("php");
        var (spec, rawSpec) = Specs(nextcloud, "nextcloud");
        var (phpSpec, rawPhpSpec) = php is null ? (VersionSpec.Any, VersionSpec.Any) : Specs(php, "php");

        var licenses = root.Elements("licence").Select(e => e.Value.Trim()).Where(v => v.Length > 0).ToList();
        if (licenses.Count == 0) Invalid("at least one <licence> is required");
        var authors = root.Elements("author").Select(e => new Author(e.Value.Trim(),
            (string?)e.Attribute("mail") ?? "", (string?)e.Attribute("homepage") ?? "")).ToList();
        if (authors.Count == 0) Invalid("at least one <author> is required");

        return new ExAppInfo
        {
            Id = id,
            Version = version,
            Translations = Translations(root),
            Licenses = licenses,
            Authors = authors,
            Categories = root.Elements("category").Select(e => e.Value.Trim()).Where(v => v.Length > 0).Distinct().ToList(),
            Screenshots = root.Elements("screenshot").Select(e => new Screenshot(e.Value.Trim(), (string?)e.Attribute("small-thumbnail") ?? "")).ToList(),
            UserDocs = Text(root.Element("documentation"), "user"),
            AdminDocs = Text(root.Element("documentation"), "admin"),
            DeveloperDocs = Text(root.Element("documentation"), "developer"),
            Website = Text(root, "website"),
            Discussion = Text(root, "discussion"),
            IssueTracker = Text(root, "bugs"),
            PlatformVersionSpec = spec,
            RawPlatformVersionSpec = rawSpec,
            PhpVersionSpec = phpSpec,
            RawPhpVersionSpec = rawPhpSpec,
            MinIntSize = int.TryParse((string?)php?.Attribute("min-int-size"), out var size) ? size : 32,
            DockerInstall = new DockerInstall(Text(docker, "registry"), image, Text(docker, "image-tag")),
            IsSystem = Text(exApp, "system") is "true" or "1",
            ApiScopes = Scopes(exApp.Element("scopes")),
            EnvironmentVariables = (exApp.Element("environment-variables")?.Elements("variable") ?? [])
                .Select(v => new EnvironmentVariable(Text(v, "name"), Text(v, "display-name"), Text(v, "description"), Text(v, "default")))
                .Where(v => v.EnvName.Length > 0).ToList(),
        };
    }

    private static Dictionary<string, AppTexts> Translations(XElement root)
    {
        Dictionary<string, string> ByLang(string element)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in root.Elements(element))
                map[(string?)e.Attribute("lang") ?? "en"] = e.Value.Trim();
            if (!map.ContainsKey("en")) Invalid($"At least one element \"{element}\" with lang \"en\" required");
            return map;
        }
        var names = ByLang("name");
        var summaries = ByLang("summary");
        var descriptions = ByLang("description");
        var langs = names.Keys.Concat(summaries.Keys).Concat(descriptions.Keys).Distinct().OrderBy(l => l, StringComparer.Ordinal);
        return langs.ToDictionary(l => l, l => new AppTexts(
            names.GetValueOrDefault(l, names["en"]), summaries.GetValueOrDefault(l, summaries["en"]),
            descriptions.GetValueOrDefault(l, descriptions["en"])));
    }

    /// <summary>Required scopes as <c>&lt;required&gt;&lt;value&gt;</c> (or bare <c>&lt;value&gt;</c>), optional ones as
    /// <c>&lt;optional&gt;&lt;value&gt;</c>.</summary>
    private static List<ApiScope> Scopes(XElement? scopes)
    {
        if (scopes is null) return [];
        var required = scopes.Elements("value").Concat(scopes.Element("required")?.Elements("value") ?? []);
        var optional = scopes.Element("optional")?.Elements("value") ?? [];
        return required.Select(v => new ApiScope(v.Value.Trim(), false))
            .Concat(optional.Select(v => new ApiScope(v.Value.Trim(), true))).Where(s => s.ScopeName.Length > 0).ToList();
    }

    private static (string Spec, string Raw) Specs(XElement dependency, string what)
    {
        var min = (string?)dependency.Attribute("min-version");
        var max = (string?)dependency.Attribute("max-version");
        try
        {
            return (VersionSpec.ToSpec(VersionSpec.PadMin(min), VersionSpec.PadMax(max)),
                VersionSpec.ToRawSpec(VersionSpec.Raw(min), VersionSpec.Raw(max)));
        }
        catch (FormatException)
        {
            throw new ReleaseCheckException($"info.xml did not validate: <{what}> min-version '{min}' / max-version '{max}' must be versions such as 30, 30.1 or 30.1.2");
        }
    }

    private static string Required(XElement root, string name)
    {
        var value = Text(root, name);
        if (value.Length == 0) Invalid($"<{name}> is missing or empty");
        return value;
    }

    private static string Text(XElement? parent, string name) => parent?.Element(name)?.Value.Trim() ?? "";

    [DoesNotReturn]
    private static void Invalid(string what) => throw new ReleaseCheckException($"info.xml did not validate: {what}");
}
