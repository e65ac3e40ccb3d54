using System.Security.Cryptography;
using System.Text;

namespace ExApps.ServiceDefaults.Security;

/// <summary>Encrypts secrets at rest with AES-256-GCM: <c>v1:</c> + base64(nonce | tag | ciphertext). The key is
/// given (base64 of 32 bytes) or read from a file, which is created once (mode 0600) when missing; processes that
/// start at the same time agree on one key (the file appears atomically, the loser reads the winner's).</summary>
public sealed class SecretBox
{
    private const string Prefix = "v1:";
    private readonly byte[] _key;

    /// <summary>Ciphers set up with the key, each used by one caller at a time: making one (an OpenSSL context and
    /// its key schedule) cost about as much as the encryption itself, and the lifecycle opens and seals an app's
    /// secrets in every transaction (a few percent of its CPU during installs, perf).</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<AesGcm> _ciphers = new();
    private int _kept;

    /// <param name="key">Base64 of the key; empty to use <paramref name="keyFile"/>.</param>
    /// <param name="keySetting">The setting's name, for the message when the key is not 32 bytes.</param>
    public SecretBox(string? key, string keyFile, string keySetting) => _key = LoadKey(key, keyFile, keySetting);

    public string Protect(string plain)
    {
        var data = Encoding.UTF8.GetBytes(plain);
        var buffer = new byte[12 + 16 + data.Length];
        var nonce = buffer.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        var aes = Rent();
        try { aes.Encrypt(nonce, data, buffer.AsSpan(28), buffer.AsSpan(12, 16)); }
        catch { aes.Dispose(); throw; }
        Return(aes);
        return Prefix + Convert.ToBase64String(buffer);
    }

    /// <summary>Whether the value has the form <see cref="Protect"/> gives (not whether this key wrote it).</summary>
    public static bool LooksProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <exception cref="CryptographicException">Not written by <see cref="Protect"/> with this key.</exception>
    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
            throw new CryptographicException("Stored secret has an unknown format.");
        byte[] buffer;
        try { buffer = Convert.FromBase64String(stored[Prefix.Length..]); }
        catch (FormatException) { throw new CryptographicException("Stored secret has an unknown format."); }
        if (buffer.Length < 28) throw new CryptographicException("Stored secret has an unknown format.");
        var plain = new byte[buffer.Length - 28];
        var aes = Rent();
        // (a cipher whose operation failed, e.g. on a value sealed with another key, is not used again)
        try { aes.Decrypt(buffer.AsSpan(0, 12), buffer.AsSpan(28), buffer.AsSpan(12, 16), plain); }
        catch { aes.Dispose(); throw; }
        Return(aes);
        return Encoding.UTF8.GetString(plain);
    }

    private AesGcm Rent()
    {
        if (!_ciphers.TryDequeue(out var aes)) return new AesGcm(_key, 16);
        Interlocked.Decrement(ref _kept);
        return aes;
    }

    /// <summary>Kept for the next caller, up to a few per core (more exist only while that many run at once).</summary>
    private void Return(AesGcm aes)
    {
        if (Interlocked.Increment(ref _kept) <= 4 * Environment.ProcessorCount)
        {
            _ciphers.Enqueue(aes);
            return;
        }
        Interlocked.Decrement(ref _kept);
        aes.Dispose();
    }

    private static byte[] LoadKey(string? key, string keyFile, string keySetting)
    {
        if (!string.IsNullOrWhiteSpace(key))
            return CheckLength(Convert.FromBase64String(key), keySetting);
        if (File.Exists(keyFile))
            return CheckLength(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()), keyFile);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        var created = RandomNumberGenerator.GetBytes(32);
        var tmp = keyFile + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(tmp, Convert.ToBase64String(created));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try { File.Move(tmp, keyFile, overwrite: false); }
        catch (IOException) { File.Delete(tmp); return LoadKey(key, keyFile, keySetting); } // another process created it first
        return created;
    }

    private static byte[] CheckLength(byte[] key, string source) => key.Length == 32
        ? key
        : throw new InvalidOperationException($"The encryption key from {source} must be 32 bytes (base64), not {key.Length}.");
}
