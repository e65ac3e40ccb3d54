using System.Security.Cryptography;
using System.Text.Json;
using ExApps.Contracts;
using ExApps.Lifecycle.Machine;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ExApps.Lifecycle.Persistence;

/// <summary>The app's secret and its daemon's password are kept encrypted in <c>lifecycle.apps</c> (its spec, and an
/// update's pending spec), with the key of <see cref="LifecycleOptions.EncryptionKey"/> or
/// <see cref="LifecycleOptions.EncryptionKeyFile"/>; in memory, in transitions and in messages they are plain.
/// Rows written before this (<c>secrets_sealed = false</c>) are sealed when the service starts.</summary>
public sealed class SpecSeal(IOptions<LifecycleOptions> options)
{
    private readonly SecretBox _box = new(options.Value.EncryptionKey, options.Value.EncryptionKeyFile, "Lifecycle:EncryptionKey");

    public AppSpec Seal(AppSpec spec) => Map(spec, _box.Protect);

    /// <summary>The plain spec. A value not in the sealed form is taken as it is: a lifecycle of an older version,
    /// still running during an upgrade, writes plain values into a row the newer one had sealed.</summary>
    /// <exception cref="CryptographicException">Sealed with another key.</exception>
    public AppSpec Open(AppSpec spec) => Map(spec, v => SecretBox.LooksProtected(v) ? _box.Unprotect(v) : v);

    public OperationData Seal(OperationData data) =>
        data.PendingSpec is { } pending ? data.WithPendingSpec(Seal(pending)) : data;

    public OperationData Open(OperationData data) =>
        data.PendingSpec is { } pending ? data.WithPendingSpec(Open(pending)) : data;

    private static AppSpec Map(AppSpec spec, Func<string, string> map) => spec with
    {
        Secret = new Secret(map(spec.Secret.Value)),
        Daemon = spec.Daemon.HaproxyPassword is { } password
            ? spec.Daemon with { HaproxyPassword = new Secret(map(password.Value)) }
            : spec.Daemon,
    };

    /// <summary>At start: seals the rows an older version left in plain, and refuses to go on when the sealed rows
    /// were written with another key (every operation of those apps would fail).</summary>
    public async Task CheckAndSealOldRowsAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var probe = new NpgsqlCommand(
                         "SELECT app_id, spec FROM lifecycle.apps WHERE secrets_sealed ORDER BY updated_at DESC LIMIT 1", conn))
        await using (var r = await probe.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct))
            {
                var appId = r.GetString(0);
                try { Open(JsonSerializer.Deserialize<AppSpec>(r.GetString(1))!); }
                catch (CryptographicException)
                {
                    throw new InvalidOperationException(
                        $"The secret of ExApp {appId} in lifecycle.apps was encrypted with another key. Start the " +
                        "lifecycle with the key that wrote this database (Lifecycle:EncryptionKey, or the file named by " +
                        $"Lifecycle:EncryptionKeyFile, now {options.Value.EncryptionKeyFile}); every replica needs the same key.");
                }
            }
        }

        await using var tx = await conn.BeginTransactionAsync(ct);
        var plain = new List<(string AppId, AppSpec Spec, OperationData Data)>();
        await using (var select = new NpgsqlCommand(
                         "SELECT app_id, spec, op_data FROM lifecycle.apps WHERE NOT secrets_sealed FOR UPDATE", conn, tx))
        await using (var r = await select.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                plain.Add((r.GetString(0), JsonSerializer.Deserialize<AppSpec>(r.GetString(1))!,
                    JsonSerializer.Deserialize<OperationData>(r.GetString(2))!));
        }
        foreach (var (appId, spec, data) in plain)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE lifecycle.apps SET spec = @spec, op_data = @data, secrets_sealed = true WHERE app_id = @a", conn, tx);
            update.Parameters.AddWithValue("spec", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(Seal(spec)));
            update.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(Seal(data)));
            update.Parameters.AddWithValue("a", appId);
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (plain.Count > 0) logger.LogInformation("Encrypted the secrets of {Count} app(s) kept in plain by an older version", plain.Count);
    }
}
