namespace ExApps.ServiceDefaults;

/// <summary>Failures that mean PostgreSQL is away for now (restarting, refusing connections, out of connection
/// slots) rather than that the work is wrong: such work is waited out and retried, not given up.</summary>
public static class DatabaseOutage
{
    public static bool Is(Exception e) => e switch
    {
        Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        Npgsql.NpgsqlException n => n.IsTransient,
        System.Net.Sockets.SocketException or TimeoutException => true,
        _ => false,
    };
}
