using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Security;

/// <summary>Encrypts daemon passwords and ExApp secrets at rest (<see cref="SecretBox"/>, AES-256-GCM) with the key
/// of <see cref="RegistryOptions.EncryptionKey"/> or <see cref="RegistryOptions.EncryptionKeyFile"/>.</summary>
public sealed class SecretProtector(IOptions<RegistryOptions> options)
{
    private readonly SecretBox _box = new(options.Value.EncryptionKey, options.Value.EncryptionKeyFile, "Registry:EncryptionKey");

    public string Protect(string plain) => _box.Protect(plain);

    public string Unprotect(string stored) => _box.Unprotect(stored);
}
