using System.Text.Json;
using ExApps.AppStore.Cli;
using Npgsql;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>The admin commands as real processes of the store's binary, configured by a configuration file
/// (APPSTORE_CONFIG) against a database of their own.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private const string Database = "appstore_test_admin";
    private readonly string _dir = Directory.CreateTempSubdirectory("appstore-admin").FullName;
    private Dictionary<string, string> _env = null!;

    public async Task InitializeAsync()
    {
        await StoreHost.DropDatabaseAsync(Database);
        using var ca = DevCertificates.CreateCa("Admin test CA", 2048);
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), DevCertificates.CertificatePem(ca));
        var config = new
        {
            ConnectionStrings = new { Postgres = StoreHost.ConnectionStringFor(Database) },
            AppStore = new { SecretKey = "admin-test-secret-key-0123456789abcdef", Certificates = new { RootCaPath = Path.Combine(_dir, "ca.crt") } },
        };
        File.WriteAllText(Path.Combine(_dir, "appstore.json"), JsonSerializer.Serialize(config));
        _env = new() { ["APPSTORE_CONFIG"] = Path.Combine(_dir, "appstore.json") };
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await StoreHost.DropDatabaseAsync(Database);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<Processes.Result> Admin(params string[] args) => AdminWithInput(null, args);
    private Task<Processes.Result> AdminWithInput(string? stdin, params string[] args) =>
        Processes.DotnetAsync("ExApps.AppStore.dll", ["admin", .. args], _env, stdin);

    private async Task<List<(string Version, bool Supported, bool Current)>> PlatformsAsync()
    {
        await using var db = NpgsqlDataSource.Create(StoreHost.ConnectionStringFor(Database));
        await using var cmd = db.CreateCommand("SELECT version, is_supported, is_current FROM appstore.nextcloud_releases ORDER BY version");
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<(string, bool, bool)>();
        while (await r.ReadAsync()) list.Add((r.GetString(0), r.GetBoolean(1), r.GetBoolean(2)));
        return list;
    }

    [Fact]
    public async Task An_admin_account_is_created_verified_and_gets_a_token()
    {
        var created = await AdminWithInput("admin-password", "create-user", "--username", "admin", "--email", "admin@example.test", "--password-stdin", "--superuser");
        Assert.True(created.ExitCode == 0, created.All);
        var token = await Admin("token", "--username", "admin");
        Assert.Equal(0, token.ExitCode);
        Assert.Matches("^[0-9a-f]{40}$", token.Stdout.Trim());

        var wrongEmail = await Admin("verify-email", "--username", "admin", "--email", "other@example.test");
        Assert.Equal(1, wrongEmail.ExitCode);
        Assert.Contains("no account admin with e-mail other@example.test", wrongEmail.Stderr);
        Assert.Equal(0, (await Admin("verify-email", "--username", "admin", "--email", "admin@example.test")).ExitCode);

        var duplicate = await AdminWithInput("admin-password", "create-user", "--username", "admin", "--email", "a@b.test", "--password-stdin");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Stderr);
        var missing = await Admin("create-user", "--email", "a@b.test");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--username is required", missing.Stderr);
    }

    [Fact]
    public async Task Importing_nextcloud_releases_with_print_changes_nothing_and_without_it_syncs_them()
    {
        var file = Path.Combine(_dir, "tags.json");
        File.WriteAllText(file, """[{"name":"v33.0.1"},{"name":"v33.0.0"},{"name":"v33.0.0rc2"},{"name":"v31.0.5"},{"name":"v29.0.9"}]""");
        Assert.Equal(0, (await Admin("migrate")).ExitCode);
        var before = await PlatformsAsync();

        var dry = await Admin("import-nextcloud-releases", "--file", file, "--oldest-supported", "31.0.0", "--print");
        Assert.Equal(0, dry.ExitCode);
        Assert.Equal(["33.0.1", "33.0.0", "31.0.5"], dry.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3));
        Assert.Contains("dry run", dry.Stdout);
        Assert.Equal(before, await PlatformsAsync());

        var real = await Admin("import-nextcloud-releases", "--file", file, "--oldest-supported", "31.0.0");
        Assert.True(real.ExitCode == 0, real.All);
        var after = await PlatformsAsync();
        Assert.Contains(("33.0.1", true, true), after);
        Assert.Contains(("31.0.5", true, false), after);
        Assert.Contains(("32.0.0", false, false), after); // known before, absent from the import: no longer supported
        Assert.DoesNotContain(after, p => p.Version == "29.0.9");
    }
}
