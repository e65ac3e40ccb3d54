using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExApps.AppStore.Cli;

/// <summary>The tool's verbs. Exit codes: 0 done, 1 refused or failed (the store's message is printed), 2 usage.</summary>
public static class Commands
{
    public const string Usage = """
        usage: appstore <command> [options]

        Developer (the store: --store URL or APPSTORE_URL, default http://127.0.0.1:8000;
                   authentication: --token T or APPSTORE_TOKEN, or --user U --password P / APPSTORE_USER, APPSTORE_PASSWORD)
          token [--new]                                  prints your API token (--new: replaces it); needs --user/--password
          sign ARCHIVE --key KEY                         prints the archive's signature (base64 RSA-SHA512)
          register --cert CERT --key KEY                 registers the app named by the certificate's CN (or changes its certificate)
          release publish --url URL --archive ARCHIVE --key KEY [--nightly]
                                                         publishes the release that URL serves; ARCHIVE is your local copy of it
          release delete APPID VERSION [--nightly]       deletes a release
          app delete APPID                               deletes an app and all its releases

        Certificates for your own store (the public store's come from Nextcloud's CA):
          cert ca --out-dir DIR [--cn NAME] [--bits 4096] [--days 3650]
                                                         creates DIR/ca.key and DIR/ca.crt
          cert create --app-id ID --ca-cert CA --ca-key CAKEY --out-dir DIR [--bits 4096] [--days 3650]
                                                         creates DIR/ID.key and DIR/ID.crt signed by the CA
          cert revoke --ca-cert CA --ca-key CAKEY --crl CRL CERT...
                                                         writes CRL revoking the certificates (and those it already revoked)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var (positional, options) = Parse(args);
        var verb = string.Join(' ', positional.Take(2));
        switch (positional.FirstOrDefault())
        {
            case null or "help" or "--help" or "-h":
                output.WriteLine(Usage);
                return positional.Count == 0 && !options.ContainsKey("help") ? 2 : 0;
            case "sign":
                if (positional.Count != 2) return UsageError("sign ARCHIVE --key KEY");
                output.WriteLine(Signing.SignFile(positional[1], ReadFile(Require(options, "key"))));
                return 0;
            case "token":
            {
                var answer = await Client(options).TokenAsync(options.ContainsKey("new"));
                if (!answer.Ok) return Refused(answer);
                using var doc = System.Text.Json.JsonDocument.Parse(answer.Body);
                output.WriteLine(doc.RootElement.GetProperty("token").GetString());
                return 0;
            }
            case "register":
            {
                var certPem = ReadFile(Require(options, "cert"));
                var appId = X509Certificate2.CreateFromPem(certPem).GetNameInfo(X509NameType.SimpleName, false);
                var answer = await Client(options).RegisterAsync(certPem, Signing.SignText(appId, ReadFile(Require(options, "key"))));
                if (!answer.Ok) return Refused(answer);
                output.WriteLine(answer.Status == 201 ? $"App {appId} registered." : $"App {appId}: certificate updated.");
                return 0;
            }
            case "release" when verb == "release publish":
            {
                var archive = Require(options, "archive");
                var (appId, version) = ArchiveInfo.Read(archive);
                var signature = Signing.SignFile(archive, ReadFile(Require(options, "key")));
                var answer = await Client(options).PublishAsync(Require(options, "url"), signature, options.ContainsKey("nightly"), appId, version);
                if (!answer.Ok) return Refused(answer);
                output.WriteLine($"Release {appId} {version}{(options.ContainsKey("nightly") ? " (nightly)" : "")} {(answer.Status == 201 ? "published" : "updated")}.");
                return 0;
            }
            case "release" when verb == "release delete":
            {
                if (positional.Count != 4) return UsageError("release delete APPID VERSION [--nightly]");
                var answer = await Client(options).DeleteReleaseAsync(positional[2], positional[3], options.ContainsKey("nightly"));
                if (!answer.Ok) return Refused(answer);
                output.WriteLine($"Release {positional[2]} {positional[3]} deleted.");
                return 0;
            }
            case "app" when verb == "app delete":
            {
                if (positional.Count != 3) return UsageError("app delete APPID");
                var answer = await Client(options).DeleteAppAsync(positional[2]);
                if (!answer.Ok) return Refused(answer);
                output.WriteLine($"App {positional[2]} deleted.");
                return 0;
            }
            case "cert":
                return CertCommand(verb, positional, options, output);
            default:
                return UsageError($"unknown command '{string.Join(' ', positional)}' (appstore help lists the commands)");
        }
    }

    private static int CertCommand(string verb, List<string> positional, Dictionary<string, string> options, TextWriter output)
    {
        var bits = int.Parse(options.GetValueOrDefault("bits", "4096"), System.Globalization.CultureInfo.InvariantCulture);
        var days = int.Parse(options.GetValueOrDefault("days", "3650"), System.Globalization.CultureInfo.InvariantCulture);
        switch (verb)
        {
            case "cert ca":
            {
                var dir = Require(options, "out-dir");
                Directory.CreateDirectory(dir);
                using var ca = DevCertificates.CreateCa(options.GetValueOrDefault("cn", "ExApps app store CA"), bits, days);
                WritePrivate(Path.Combine(dir, "ca.key"), DevCertificates.PrivateKeyPem(ca));
                File.WriteAllText(Path.Combine(dir, "ca.crt"), DevCertificates.CertificatePem(ca));
                output.WriteLine($"Created {Path.Combine(dir, "ca.crt")} and {Path.Combine(dir, "ca.key")}.");
                return 0;
            }
            case "cert create":
            {
                var appId = Require(options, "app-id");
                var dir = Require(options, "out-dir");
                Directory.CreateDirectory(dir);
                using var ca = LoadCa(options);
                using var cert = DevCertificates.CreateAppCertificate(appId, ca, bits, days);
                WritePrivate(Path.Combine(dir, $"{appId}.key"), DevCertificates.PrivateKeyPem(cert));
                File.WriteAllText(Path.Combine(dir, $"{appId}.crt"), DevCertificates.CertificatePem(cert));
                output.WriteLine($"Created {Path.Combine(dir, $"{appId}.crt")} and {Path.Combine(dir, $"{appId}.key")} (serial {cert.SerialNumber}).");
                return 0;
            }
            case "cert revoke":
            {
                if (positional.Count < 3) return UsageError("cert revoke --ca-cert CA --ca-key CAKEY --crl CRL CERT...");
                using var ca = LoadCa(options);
                var crlPath = Require(options, "crl");
                System.Numerics.BigInteger number = 0;
                var builder = File.Exists(crlPath)
                    ? CertificateRevocationListBuilder.LoadPem(File.ReadAllText(crlPath), out number)
                    : new CertificateRevocationListBuilder();
                foreach (var path in positional.Skip(2))
                {
                    using var cert = X509Certificate2.CreateFromPem(ReadFile(path));
                    builder.AddEntry(cert);
                }
                var der = builder.Build(ca, number + 1, DateTimeOffset.UtcNow.AddDays(days), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                File.WriteAllText(crlPath, PemEncoding.WriteString("X509 CRL", der) + "\n");
                output.WriteLine($"Wrote {crlPath} (CRL number {number + 1}).");
                return 0;
            }
            default:
                return UsageError("cert ca | cert create | cert revoke (appstore help)");
        }
    }

    private static X509Certificate2 LoadCa(Dictionary<string, string> options) =>
        DevCertificates.LoadWithKey(Require(options, "ca-cert"), Require(options, "ca-key"));

    private static StoreClient Client(Dictionary<string, string> o)
    {
        var url = o.GetValueOrDefault("store") ?? Environment.GetEnvironmentVariable("APPSTORE_URL") ?? "http://127.0.0.1:8000";
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var store)) throw new CliException($"--store {url} is not a URL");
        return new StoreClient(store, o.GetValueOrDefault("token") ?? Environment.GetEnvironmentVariable("APPSTORE_TOKEN"),
            o.GetValueOrDefault("user") ?? Environment.GetEnvironmentVariable("APPSTORE_USER"),
            o.GetValueOrDefault("password") ?? Environment.GetEnvironmentVariable("APPSTORE_PASSWORD"));
    }

    private static int Refused(StoreClient.Answer answer)
    {
        Console.Error.WriteLine($"appstore: refused (HTTP {answer.Status}): {answer.Message}");
        return 1;
    }

    private static int UsageError(string message)
    {
        Console.Error.WriteLine($"appstore: usage: {message}");
        return 2;
    }

    private static string Require(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new CliException($"--{name} is required");

    private static string ReadFile(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new CliException($"{path} does not exist");

    private static void WritePrivate(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static readonly HashSet<string> Flags = ["nightly", "new", "help"];

    private static (List<string> Positional, Dictionary<string, string> Options) Parse(string[] args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { positional.Add(args[i]); continue; }
            var name = args[i][2..];
            var eq = name.IndexOf('=');
            if (eq > 0) options[name[..eq]] = name[(eq + 1)..];
            else if (Flags.Contains(name)) options[name] = "";
            else if (i + 1 < args.Length) options[name] = args[++i];
            else throw new CliException($"--{name} needs a value");
        }
        return (positional, options);
    }
}
