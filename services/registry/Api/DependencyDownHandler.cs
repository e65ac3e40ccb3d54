using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace ExApps.Registry.Api;

/// <summary>A request that failed because PostgreSQL is down, restarting or out of connections answers 503 with
/// <c>Retry-After</c> and says which dependency is missing, instead of a bare 500. Every write here is one
/// transaction, so a request cut off by the outage left nothing half-written; the client may simply retry.</summary>
public sealed class DependencyDownHandler(ILogger<DependencyDownHandler> log) : IExceptionHandler
{
    /// <summary>Short: a restart of PostgreSQL takes a few seconds, and a client that waits 5 s after it is back
    /// (the value before) makes the whole recovery that much longer (bench/faults.sh, docs/reliability.md).</summary>
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (DatabaseReason(exception) is not { } reason) return false;
        log.LogWarning("Request {Method} {Path} failed: PostgreSQL is unavailable ({Reason})", http.Request.Method,
            http.Request.Path, reason);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.Of(503, "database_unavailable",
            $"The registry's database (PostgreSQL) is unavailable ({reason}); nothing was changed. Try again in a few seconds.")
            .ExecuteAsync(http);
        return true;
    }

    /// <summary>Why the database could not be used, or null when the exception is something else.</summary>
    public static string? DatabaseReason(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "08000"
                        or "08003" or "08006" or "08001" or "08004":
                    return pg.MessageText;
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException } n:
                    return n.InnerException!.Message;
                case NpgsqlException n when n.IsTransient:
                    return n.Message;
                case SocketException s:
                    return s.Message;
            }
        }
        return null;
    }
}
