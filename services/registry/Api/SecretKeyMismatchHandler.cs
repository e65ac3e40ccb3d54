using System.Security.Cryptography;
using Microsoft.AspNetCore.Diagnostics;

namespace ExApps.Registry.Api;

/// <summary>Stored secrets that the configured key cannot decrypt mean the registry runs with another key than
/// the one that wrote the database: say so, instead of a bare 500.</summary>
public sealed class SecretKeyMismatchHandler(ILogger<SecretKeyMismatchHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not CryptographicException) return false;
        const string detail = "Stored secrets cannot be decrypted with this registry's encryption key " +
            "(Registry:EncryptionKey or Registry:EncryptionKeyFile). Run the registry with the key that wrote this database.";
        log.LogError("{Detail}", detail);
        await Problems.Of(500, "encryption_key_mismatch", detail).ExecuteAsync(http);
        return true;
    }
}
