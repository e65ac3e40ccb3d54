using ExApps.AppStore.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.AppStore.Accounts;

/// <summary>Per-account rate limits of the publishing routes. Every attempt counts, successful or not (as Django
/// REST framework's throttles do), and the count lives in the database so that every replica sees it.</summary>
public sealed class Throttle(NpgsqlDataSource db, IOptions<AppStoreOptions> options)
{
    public const string AppUpload = "app_upload";
    public const string AppRegister = "app_register";

    /// <summary>Records an attempt; returns the seconds to wait when the account is over its rate (the attempt is
    /// then not recorded), or null when it may go on.</summary>
    public async Task<int?> HitAsync(long accountId, string scope, CancellationToken ct)
    {
        var text = scope == AppUpload ? options.Value.Throttle.AppUpload : options.Value.Throttle.AppRegister;
        ThrottleRate.TryParse(text, out var rate);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One account's attempts are counted one at a time, or two parallel requests could both pass the last slot.
        await using (var lk = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('throttle:' || @a || ':' || @s))", conn, tx))
        {
            lk.Parameters.AddWithValue("a", accountId.ToString());
            lk.Parameters.AddWithValue("s", scope);
            await lk.ExecuteNonQueryAsync(ct);
        }
        await using (var clean = StoreDatabase.Command(conn,
            "DELETE FROM appstore.throttle_hits WHERE account_id = @a AND scope = @s AND at < now() - @p",
            ("a", accountId), ("s", scope), ("p", rate.Period)))
        {
            clean.Transaction = tx;
            await clean.ExecuteNonQueryAsync(ct);
        }
        await using var count = StoreDatabase.Command(conn,
            "SELECT count(*), min(at) FROM appstore.throttle_hits WHERE account_id = @a AND scope = @s",
            ("a", accountId), ("s", scope));
        count.Transaction = tx;
        long n;
        DateTime? oldest;
        await using (var r = await count.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            n = r.GetInt64(0);
            oldest = r.IsDBNull(1) ? null : r.GetDateTime(1);
        }
        if (n >= rate.Requests)
        {
            var wait = oldest is null ? rate.Period : oldest.Value.ToUniversalTime() + rate.Period - DateTime.UtcNow;
            return Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        }
        await using var add = StoreDatabase.Command(conn,
            "INSERT INTO appstore.throttle_hits (account_id, scope) VALUES (@a, @s)", ("a", accountId), ("s", scope));
        add.Transaction = tx;
        await add.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }
}
