using System.Security.Cryptography;
using System.Text;

namespace ExApps.AppStore.Accounts;

/// <summary>API tokens (40 hex characters, as the real store's). A token is HMAC(SecretKey, account id + a random
/// seed), so the store keeps only the seed and the token's SHA-256: <c>POST /api/v1/token</c> can hand out the
/// same token again without the token ever being stored, and a database leak reveals no token.</summary>
public sealed class ApiTokens(Microsoft.Extensions.Options.IOptions<AppStoreOptions> options)
{
    public static string NewSeed() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public string Derive(long accountId, string seed)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SecretKey),
            Encoding.UTF8.GetBytes($"api-token:{accountId}:{seed}"));
        return Convert.ToHexString(mac, 0, 20).ToLowerInvariant();
    }

    public static string HashOf(string token) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();
}
