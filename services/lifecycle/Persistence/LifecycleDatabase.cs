namespace ExApps.Lifecycle.Persistence;

/// <summary>The configured connection string (<c>ConnectionStrings:Postgres</c>), kept whole: creating the database
/// needs the password, which NpgsqlDataSource.ConnectionString no longer carries.</summary>
public sealed record LifecycleDatabase(string ConnectionString)
{
    // a record would print the password
    public override string ToString() => nameof(LifecycleDatabase);
}
