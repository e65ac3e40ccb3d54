using System.Security.Cryptography;

namespace ExApps.Registry.Security;

public static class SecretGenerator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>AppAPI's ExApp secret: 128 characters of A-Z a-z 0-9 + /.</summary>
    public static string NewAppSecret() => RandomNumberGenerator.GetString(Alphabet, 128);
}
