using System.Security.Cryptography;
using System.Text;

namespace ExApps.AppStore.Cli;

/// <summary>Signatures as the store verifies them: RSA PKCS#1 v1.5 over SHA-512, base64 — the same bytes as
/// <c>openssl dgst -sha512 -sign KEY FILE | openssl base64</c>.</summary>
public static class Signing
{
    public static string SignFile(string path, string keyPem)
    {
        using var rsa = LoadKey(keyPem);
        using var file = File.OpenRead(path);
        return Convert.ToBase64String(rsa.SignData(file, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1));
    }

    public static string SignText(string text, string keyPem)
    {
        using var rsa = LoadKey(keyPem);
        return Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1));
    }

    private static RSA LoadKey(string pem)
    {
        var rsa = RSA.Create();
        try { rsa.ImportFromPem(pem); }
        catch (ArgumentException e)
        {
            rsa.Dispose();
            throw new CliException($"the key is not an RSA private key in PEM form ({e.Message})");
        }
        return rsa;
    }
}

public sealed class CliException(string message) : Exception(message);
