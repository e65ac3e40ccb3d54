using Npgsql;

namespace ExApps.AppStore.Persistence;

public static class StoreDatabase
{
    /// <summary>The store's own database (default name <c>appstore</c>) on the local server the scripts set up.</summary>
    public const string DefaultConnectionString =
        "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=appstore";

    public static string ConnectionString(IConfiguration configuration) =>
        ServiceDefaults.PostgresSchema.ConnectionString(configuration, DefaultConnectionString);

    public static NpgsqlCommand Command(NpgsqlConnection conn, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    public static NpgsqlParameter Jsonb(string name, string json) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = json };
}
