using ExApps.AppStore.Persistence;
using Npgsql;

namespace ExApps.AppStore.Accounts;

/// <summary>Accounts, their password hashes and API tokens in PostgreSQL.</summary>
public sealed class AccountStore(NpgsqlDataSource db, ApiTokens tokens)
{
    private const string Columns = "id, username, email, email_verified, is_active, is_superuser";

    public async Task<Account> CreateAsync(string username, string email, string password, bool superuser, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = StoreDatabase.Command(conn, $"""
            INSERT INTO appstore.accounts (username, email, password_hash, is_superuser)
            VALUES (@u, @e, @p, @s) RETURNING {Columns}
            """, ("u", username), ("e", email), ("p", PasswordHasher.Hash(password)), ("s", superuser));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return Read(r);
    }

    /// <summary>Marks the account's e-mail verified; false when no account has that username and e-mail.</summary>
    public async Task<bool> VerifyEmailAsync(string username, string email, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = StoreDatabase.Command(conn,
            "UPDATE appstore.accounts SET email_verified = true WHERE username = @u AND lower(email) = lower(@e)",
            ("u", username), ("e", email));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<Account?> FindByPasswordAsync(string username, string password, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = StoreDatabase.Command(conn,
            $"SELECT {Columns}, password_hash FROM appstore.accounts WHERE username = @u", ("u", username));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return PasswordHasher.Verify(password, r.GetString(6)) ? Read(r) : null;
    }

    public async Task<Account?> FindByTokenAsync(string token, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = StoreDatabase.Command(conn,
            $"SELECT {Columns} FROM appstore.accounts WHERE token_hash = @h", ("h", ApiTokens.HashOf(token)));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>The account's token, created on first use (<c>POST /api/v1/token</c>).</summary>
    public async Task<string> GetOrCreateTokenAsync(long accountId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = StoreDatabase.Command(conn,
            "SELECT token_seed FROM appstore.accounts WHERE id = @id", ("id", accountId));
        if (await cmd.ExecuteScalarAsync(ct) is string seed) return tokens.Derive(accountId, seed);
        return await NewTokenAsync(accountId, ct);
    }

    /// <summary>A new token; the previous one stops working (<c>POST /api/v1/token/new</c>).</summary>
    public async Task<string> NewTokenAsync(long accountId, CancellationToken ct)
    {
        var seed = ApiTokens.NewSeed();
        var token = tokens.Derive(accountId, seed);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = StoreDatabase.Command(conn,
            "UPDATE appstore.accounts SET token_seed = @s, token_hash = @h WHERE id = @id",
            ("s", seed), ("h", ApiTokens.HashOf(token)), ("id", accountId));
        await cmd.ExecuteNonQueryAsync(ct);
        return token;
    }

    private static Account Read(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetBoolean(4), r.GetBoolean(5));
}
