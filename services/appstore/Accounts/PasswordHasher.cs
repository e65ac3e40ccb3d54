using System.Security.Cryptography;
using System.Text;

namespace ExApps.AppStore.Accounts;

/// <summary>PBKDF2-SHA256 password hashes in Django's text form (<c>pbkdf2_sha256$iterations$salt$hash</c>).</summary>
public static class PasswordHasher
{
    private const int Iterations = 210_000;

    public static string Hash(string password)
    {
        var salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        return Format(password, salt, Iterations);
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2_sha256" || !int.TryParse(parts[1], out var iterations)) return false;
        var expected = Encoding.ASCII.GetBytes(Format(password, parts[2], iterations));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(stored));
    }

    private static string Format(string password, string salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt),
            iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2_sha256${iterations}${salt}${Convert.ToBase64String(hash)}";
    }
}
