using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Security;

/// <summary>Encrypts secrets at rest with AES-256-GCM: <c>v1:</c> + base64(nonce | tag | ciphertext).</summary>
public sealed class SecretProtector
{
    private const string Prefix = "v1:";
    private readonly byte[] _key;

    public SecretProtector(IOptions<RegistryOptions> options) => _key = LoadKey(options.Value);

    public string Protect(string plain)
    {
        var data = Encoding.UTF8.GetBytes(plain);
        var buffer = new byte[12 + 16 + data.Length];
        var nonce = buffer.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, data, buffer.AsSpan(28), buffer.AsSpan(12, 16));
        return Prefix + Convert.ToBase64String(buffer);
    }

    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
            throw new CryptographicException("Stored secret has an unknown format.");
        var buffer = Convert.FromBase64String(stored[Prefix.Length..]);
        var plain = new byte[buffer.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(buffer.AsSpan(0, 12), buffer.AsSpan(28), buffer.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] LoadKey(RegistryOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.EncryptionKey))
            return CheckLength(Convert.FromBase64String(o.EncryptionKey), "Registry:EncryptionKey");
        if (File.Exists(o.EncryptionKeyFile))
            return CheckLength(Convert.FromBase64String(File.ReadAllText(o.EncryptionKeyFile).Trim()), o.EncryptionKeyFile);
        Directory.CreateDirectory(Path.GetDirectoryName(o.EncryptionKeyFile)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var tmp = o.EncryptionKeyFile + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(tmp, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try { File.Move(tmp, o.EncryptionKeyFile, overwrite: false); }
        catch (IOException) { File.Delete(tmp); return LoadKey(o); } // another process created it first
        return key;
    }

    private static byte[] CheckLength(byte[] key, string source) => key.Length == 32
        ? key
        : throw new InvalidOperationException($"The encryption key from {source} must be 32 bytes (base64), not {key.Length}.");
}
