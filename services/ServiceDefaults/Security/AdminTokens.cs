using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace ExApps.ServiceDefaults.Security;

/// <summary>The admin token of the gateway and the registry. Configured explicitly (<c>Admin:Token</c>), it is used
/// as it is; otherwise both services read <c>Admin:TokenFile</c> (default
/// <c>~/.local/share/exapps/admin.token</c>, beside the registry's encryption key) and the first one to start
/// creates it with a random token (32 bytes, base64url, mode 0600), so the two always agree and no fixed default
/// token exists. The token itself is never logged: the log names the file and how to read it.</summary>
public static class AdminTokens
{
    public const int MinLength = 16;
    public const string Rule = "Admin:Token must be at least 16 characters without spaces or control characters " +
        "(or leave it empty to use the generated token in Admin:TokenFile).";

    public static string DefaultFile { get; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "exapps", "admin.token");

    private static readonly ConcurrentDictionary<string, string> Resolved = new();

    public static bool IsAcceptable(string? token) =>
        token is { Length: >= MinLength } && SafeText.IsHeaderSafe(token) && !token.Any(char.IsWhiteSpace);

    /// <summary>The configured token, or the one in <paramref name="file"/> (created when missing).</summary>
    public static string Resolve(string? configured, string? file, ILogger log)
    {
        if (!string.IsNullOrEmpty(configured)) return configured.Trim();
        var path = string.IsNullOrWhiteSpace(file) ? DefaultFile : Path.GetFullPath(file);
        return Resolved.GetOrAdd(path, p =>
        {
            var created = false;
            var token = File.Exists(p) ? File.ReadAllText(p).Trim() : Create(p, out created);
            if (created)
                log.LogWarning("Admin token: no Admin:Token is configured, so a random one was generated in {Path} (readable by this " +
                    "user only). Read it with `scripts/admin-token.sh` or `cat {Path}`; ./appapi reads it itself when APPAPI_TOKEN is not set.",
                    p, p);
            else
                log.LogInformation("Admin token: read from {Path} (`scripts/admin-token.sh` prints it)", p);
            return token;
        });
    }

    private static string Create(string path, out bool created)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var tmp = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(tmp, token + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(tmp, path, overwrite: false);
            created = true;
            return token;
        }
        catch (IOException)
        {
            // The other service created it at the same moment: use theirs, so both agree.
            File.Delete(tmp);
            created = false;
            return File.ReadAllText(path).Trim();
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
