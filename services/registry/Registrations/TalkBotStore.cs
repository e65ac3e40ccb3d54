using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ExApps.Registry.Security;
using Npgsql;

namespace ExApps.Registry.Registrations;

/// <summary>A Talk bot as its registration answers it: AppAPI's id and secret.</summary>
public sealed record TalkBotKeys(string Id, string Secret);

/// <summary>Talk bots the way AppAPI derives and keeps them: the id is <c>sha1(appid + "_" + route)</c>, the secret
/// 64 characters of Nextcloud's "human readable" alphabet, generated once and kept when the bot is registered again.
/// Like AppAPI the secret lives in the app's config under the bot id (nc_py_api's bot helpers read it there, through
/// <c>appconfig_ex</c>), with the route under <c>talk_bot_route_&lt;id&gt;</c>; here the secret is stored encrypted.
/// The registration row itself (kind <c>talk_bot</c>) never holds the secret.</summary>
public sealed class TalkBotStore(NpgsqlDataSource db, SecretProtector protector, RegistrationStore registrations,
    ExApps.ServiceDefaults.Outbox.TransactionalOutbox outbox)
{
    /// <summary>ISecureRandom::CHAR_HUMAN_READABLE: no look-alike characters.</summary>
    public const string HumanReadable = "abcdefgijkmnopqrstwxyzABCDEFGHJKLMNPQRSTWXYZ23456789";
    public const int SecretLength = 64;
    public const string RouteKeyPrefix = "talk_bot_route_";

    public static string BotId(string appId, string route) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(appId + "_" + route)));

    /// <summary>Registers (or registers again) a bot; null when the app does not exist.</summary>
    public async Task<TalkBotKeys?> RegisterAsync(string appId, string route, string name, string description, string url, CancellationToken ct)
    {
        var id = BotId(appId, route);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var data = new JsonObject { ["id"] = id, ["name"] = name, ["route"] = route, ["description"] = description, ["url"] = url };
        if (await registrations.SaveAsync(conn, tx, appId, RegistrationKinds.TalkBot, [route], data, ct) is null) return null;
        var secret = await ReadSecretAsync(conn, tx, appId, id, ct)
            ?? new string(RandomNumberGenerator.GetItems(HumanReadable.AsSpan(), SecretLength));
        await SetConfigAsync(conn, tx, appId, id, protector.Protect(secret), sensitive: true, ct);
        await SetConfigAsync(conn, tx, appId, RouteKeyPrefix + id, route, sensitive: false, ct);
        await tx.CommitAsync(ct);
        outbox.Committed();
        return new TalkBotKeys(id, secret);
    }

    /// <summary>Removes a bot and its config keys; false when the app has no bot on that route.</summary>
    public async Task<bool> UnregisterAsync(string appId, string route, CancellationToken ct)
    {
        var id = BotId(appId, route);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await registrations.DeleteAsync(conn, tx, appId, RegistrationKinds.TalkBot, [route], ct)) return false;
        await using (var cmd = new NpgsqlCommand(
                         "DELETE FROM registry.app_config WHERE appid = @appid AND configkey = ANY(@keys)", conn, tx))
        {
            cmd.Parameters.AddWithValue("appid", appId);
            cmd.Parameters.AddWithValue("keys", new[] { id, RouteKeyPrefix + id });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        outbox.Committed();
        return true;
    }

    /// <summary>The secret of the app's bot on <paramref name="route"/>, or null when there is no such bot.</summary>
    public async Task<TalkBotKeys?> SecretAsync(string appId, string route, CancellationToken ct)
    {
        var id = BotId(appId, route);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var exists = new NpgsqlCommand(
            "SELECT 1 FROM registry.app_registrations WHERE appid = @appid AND kind = 'talk_bot' AND key = @route", conn);
        exists.Parameters.AddWithValue("appid", appId);
        exists.Parameters.AddWithValue("route", route);
        if (await exists.ExecuteScalarAsync(ct) is null) return null;
        return await ReadSecretAsync(conn, null, appId, id, ct) is { } secret ? new TalkBotKeys(id, secret) : null;
    }

    private async Task<string?> ReadSecretAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string appId, string id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT configvalue, sensitive FROM registry.app_config WHERE appid = @appid AND configkey = @key FOR UPDATE", conn, tx);
        cmd.Parameters.AddWithValue("appid", appId);
        cmd.Parameters.AddWithValue("key", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var value = reader.GetString(0);
        if (!reader.GetBoolean(1)) return value.Length > 0 ? value : null;
        try { return protector.Unprotect(value); }
        catch (Exception e) when (e is CryptographicException or FormatException) { return null; }
    }

    private static async Task SetConfigAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string appId, string key, string value,
        bool sensitive, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO registry.app_config (appid, configkey, configvalue, sensitive) VALUES (@appid, @key, @value, @sensitive)
            ON CONFLICT (appid, configkey) DO UPDATE SET configvalue = EXCLUDED.configvalue, sensitive = EXCLUDED.sensitive
            """, conn, tx);
        cmd.Parameters.AddWithValue("appid", appId);
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("value", value);
        cmd.Parameters.AddWithValue("sensitive", sensitive);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
