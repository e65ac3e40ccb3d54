using ExApps.AppStore.Accounts;
using ExApps.AppStore.Persistence;
using Npgsql;

namespace ExApps.AppStore.Admin;

/// <summary>Operator commands of the same binary (<c>dotnet ExApps.AppStore.dll admin &lt;command&gt;</c>), the
/// counterparts of the real store's manage.py commands. They read the same configuration (APPSTORE_CONFIG,
/// environment) and apply migrations and fixtures first, so they also work before the web host ever ran.</summary>
public static class AdminCommands
{
    public const string Usage = """
        usage: ExApps.AppStore.dll admin <command> [options]
          create-user --username U --email E [--password P | --password-stdin] [--superuser]
                      creates an account (asks for the password on a terminal when none is given)
          verify-email --username U --email E
                      marks the account's e-mail address verified (needed before it can use the API)
          token --username U [--new]
                      prints the account's API token (--new: replaces it)
          import-nextcloud-releases --file F [--oldest-supported X.Y.Z] [--print]
                      imports Nextcloud releases from a file shaped like GitHub's tags API answer
                      ([{"name": "v31.0.2"}, ...]); --print only shows what would be imported
          migrate     applies migrations and fixtures, then exits
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = ParseOptions(args[1..]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        ((IConfigurationBuilder)builder.Configuration).AddAppStoreConfiguration(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAppStoreCore(builder.Configuration);
        using var host = builder.Build();
        var services = host.Services;
        var ct = CancellationToken.None;
        try
        {
            await StoreSchema.ApplyAsync(StoreDatabase.ConnectionString(builder.Configuration),
                services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("migrate"), ct);
            var accounts = services.GetRequiredService<AccountStore>();
            return args[0] switch
            {
                "create-user" => await CreateUser(accounts, options, ct),
                "verify-email" => await VerifyEmail(accounts, options, ct),
                "token" => await Token(accounts, services.GetRequiredService<NpgsqlDataSource>(), options, ct),
                "import-nextcloud-releases" => await NextcloudReleaseImport.RunAsync(
                    services.GetRequiredService<NpgsqlDataSource>(), Require(options, "file"),
                    options.GetValueOrDefault("oldest-supported"), options.ContainsKey("print"), Console.Out, ct),
                "migrate" => Done("Migrations and fixtures applied."),
                _ => Fail($"unknown command '{args[0]}'\n{Usage}", 2),
            };
        }
        catch (AdminException e) { return Fail(e.Message, 2); }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or IOException) { return Fail(e.Message, 1); }
        catch (Microsoft.Extensions.Options.OptionsValidationException e) { return Fail($"configuration: {string.Join(" ", e.Failures)}", 1); }
        catch (NpgsqlException e) { return Fail($"database: {e.Message}", 1); }
    }

    private static async Task<int> CreateUser(AccountStore accounts, Dictionary<string, string> o, CancellationToken ct)
    {
        var username = Require(o, "username");
        var email = Require(o, "email");
        var password = o.GetValueOrDefault("password")
            ?? (o.ContainsKey("password-stdin") ? Console.In.ReadLine() : Prompt("Password: "));
        if (string.IsNullOrEmpty(password) || password.Length < 8) return Fail("the password must have at least 8 characters", 2);
        try
        {
            var account = await accounts.CreateAsync(username, email, password, o.ContainsKey("superuser"), ct);
            return Done($"Account {account.Username} created (id {account.Id}); verify its e-mail with: admin verify-email --username {username} --email {email}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Fail($"an account named {username} already exists", 1);
        }
    }

    private static async Task<int> VerifyEmail(AccountStore accounts, Dictionary<string, string> o, CancellationToken ct)
    {
        var username = Require(o, "username");
        var email = Require(o, "email");
        return await accounts.VerifyEmailAsync(username, email, ct)
            ? Done($"E-mail {email} of {username} verified.")
            : Fail($"no account {username} with e-mail {email}", 1);
    }

    private static async Task<int> Token(AccountStore accounts, NpgsqlDataSource db, Dictionary<string, string> o, CancellationToken ct)
    {
        var username = Require(o, "username");
        await using var cmd = db.CreateCommand("SELECT id FROM appstore.accounts WHERE username = @u");
        cmd.Parameters.AddWithValue("u", username);
        if (await cmd.ExecuteScalarAsync(ct) is not long id) return Fail($"no account {username}", 1);
        Console.Out.WriteLine(o.ContainsKey("new") ? await accounts.NewTokenAsync(id, ct) : await accounts.GetOrCreateTokenAsync(id, ct));
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new AdminException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            var eq = name.IndexOf('=');
            if (eq > 0) map[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) map[name] = args[++i];
            else map[name] = "";
        }
        return map;
    }

    private static string Require(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new AdminException($"--{name} is required");

    private static string? Prompt(string label)
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine();
        Console.Error.Write(label);
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string([.. chars]);
    }

    private static int Done(string message) { Console.Out.WriteLine(message); return 0; }
    private static int Fail(string message, int code) { Console.Error.WriteLine($"error: {message}"); return code; }

    private sealed class AdminException(string message) : Exception(message);
}
