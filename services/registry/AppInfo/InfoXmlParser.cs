using System.Xml;
using System.Xml.Linq;

namespace ExApps.Registry.AppInfo;

/// <summary>Parses Nextcloud's info.xml with the <c>external-app</c> block (or the legacy <c>ex-app</c> block,
/// whose <c>scopes</c> and <c>system</c> are ignored).</summary>
public static class InfoXmlParser
{
    public static AppInfoModel Parse(string xml)
    {
        XDocument doc;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new AppInfoException("info_xml", $"The info.xml is not well-formed XML: {e.Message}");
        }
        var info = doc.Root is { Name.LocalName: "info" } root
            ? root
            : throw new AppInfoException("info_xml", "The info.xml has no <info> root element.");

        var id = AppInfoValidation.Required(Text(info, "id"), "id");
        var version = AppInfoValidation.Required(Text(info, "version"), "version");
        var name = Text(info, "name") is { Length: > 0 } n ? n : id;
        var ext = info.Element("external-app") ?? info.Element("ex-app");
        var docker = ext?.Element("docker-install");
        var image = AppInfoValidation.Image(id, Text(docker, "registry"), Text(docker, "image"), Text(docker, "image-tag"));

        AppInfoValidation.Count("environment-variables", ext?.Element("environment-variables")?.Elements("variable").Count() ?? 0,
            Validation.InputLimits.EnvVars);
        AppInfoValidation.Count("routes", ext?.Element("routes")?.Elements("route").Count() ?? 0, Validation.InputLimits.Routes);
        var envVars = (ext?.Element("environment-variables")?.Elements("variable") ?? [])
            .Select((v, i) => AppInfoValidation.EnvVar(i, Text(v, "name"), Text(v, "display-name"),
                Text(v, "description"), v.Element("default") is { } d ? d.Value : null))
            .ToList();
        var routes = (ext?.Element("routes")?.Elements("route") ?? [])
            .Select((r, i) => AppInfoValidation.Route(i, Text(r, "url"), Text(r, "verb"), Text(r, "access_level"),
                AppInfoValidation.JsonList<string>(Text(r, "headers_to_exclude"), $"routes[{i}].headers_to_exclude"),
                AppInfoValidation.JsonList<int>(Text(r, "bruteforce_protection"), $"routes[{i}].bruteforce_protection")))
            .ToList();
        return new AppInfoModel(id, name, version, image, envVars, routes);
    }

    private static string? Text(XElement? parent, string name) => parent?.Element(name)?.Value.Trim();
}
