using System.Security.Cryptography;
using ExApps.Contracts;
using ExApps.Lifecycle.Machine;
using ExApps.Lifecycle.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Tests;

/// <summary>ExApp secrets and daemon passwords in lifecycle.apps are encrypted at rest (real PostgreSQL).</summary>
public sealed class SecretSealTests : LifecycleTest
{
    private const string Password = "haproxy-pw-7f3e2d";

    [Fact]
    public async Task Secrets_and_daemon_passwords_are_stored_encrypted_and_operations_use_them_plain()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        var install = await InstallWithPasswordAsync(host, app);

        var (spec, data, isSealed) = await RawRowAsync(app.AppId);
        Assert.True(isSealed);
        Assert.DoesNotContain(app.Secret, spec);
        Assert.DoesNotContain(Password, spec);
        Assert.DoesNotContain(app.Secret, data);
        var row = (await TestDatabase.FindAsync(app.AppId))!;
        Assert.Equal(app.Secret, row.Spec.Secret.Value);
        Assert.Equal(Password, row.Spec.Daemon.HaproxyPassword!.Value);
        // what the steps sent and called with came from the row, plain
        Assert.Equal(app.Secret, Assert.Single(host.Deployer.Deploys).Secret.Value);
        Assert.Equal(Password, host.Deployer.Deploys.Single().Daemon.HaproxyPassword!.Value);
        Assert.Equal(AuthorizationFor(app.Secret), exApp.Received("PUT", "/enabled").Last().Headers["authorization-app-api"]);
        Assert.Equal(install.App.Secret, row.Spec.Secret);
    }

    [Fact]
    public async Task Rows_an_older_version_kept_in_plain_are_read_and_sealed_at_start()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstallWithPasswordAsync(host, app);
        var plain = (await TestDatabase.FindAsync(app.AppId))!;
        // An older lifecycle still running during an upgrade rewrites a row the new one had sealed, in plain.
        await ExecAsync("UPDATE lifecycle.apps SET spec = @spec::jsonb WHERE app_id = @a",
            ("spec", System.Text.Json.JsonSerializer.Serialize(plain.Spec)), ("a", app.AppId));
        Assert.Equal(app.Secret, (await TestDatabase.FindAsync(app.AppId))!.Spec.Secret.Value);
        // A row it inserted has the column's default.
        await ExecAsync("UPDATE lifecycle.apps SET secrets_sealed = false WHERE app_id = @a", ("a", app.AppId));
        Assert.Contains(app.Secret, (await RawRowAsync(app.AppId)).Spec);
        Assert.Equal(app.Secret, (await TestDatabase.FindAsync(app.AppId))!.Spec.Secret.Value); // read as it is

        await TestDatabase.Seal.CheckAndSealOldRowsAsync(TestDatabase.DataSource, NullLogger.Instance, CancellationToken.None);

        var (spec, _, isSealed) = await RawRowAsync(app.AppId);
        Assert.True(isSealed);
        Assert.DoesNotContain(app.Secret, spec);
        Assert.DoesNotContain(Password, spec);
        var row = (await TestDatabase.FindAsync(app.AppId))!;
        Assert.Equal((app.Secret, Password), (row.Spec.Secret.Value, row.Spec.Daemon.HaproxyPassword!.Value));
    }

    [Fact]
    public async Task A_key_that_did_not_write_the_rows_stops_the_start_naming_the_setting()
    {
        await using var exApp = await StandInExApp.StartAsync();
        await using var host = await LifecycleTestHost.StartAsync();
        var app = NewApp(exApp);
        await InstallWithPasswordAsync(host, app);
        var otherKey = new SpecSeal(Options.Create(new LifecycleOptions
        {
            EncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            otherKey.CheckAndSealOldRowsAsync(TestDatabase.DataSource, NullLogger.Instance, CancellationToken.None));

        Assert.Contains($"The secret of ExApp {app.AppId} in lifecycle.apps was encrypted with another key", e.Message);
        Assert.Contains("Lifecycle:EncryptionKey", e.Message);
        Assert.DoesNotContain(app.Secret, e.Message);
        Assert.True((await RawRowAsync(app.AppId)).Sealed); // nothing was rewritten
    }

    [Fact]
    public void An_updates_pending_spec_is_sealed_in_a_copy_and_opens_to_the_same_values()
    {
        var seal = TestDatabase.Seal;
        var spec = new AppSpec
        {
            AppId = "app_x", Version = "2.0.0", DisplayName = "X", Port = 23999, Secret = new Secret("s3cr3t-pending"),
            ExAppUrl = "http://127.0.0.1:23999", NextcloudUrl = "http://nextcloud.test",
            Image = new ImageRef("localhost:5000", "test/app", "2.0.0"),
            Daemon = StandInDeployer.DockerDaemon with { HaproxyPassword = new Secret(Password) },
        };
        var data = new OperationData { PendingSpec = spec, RemoveData = true, DisableError = "x" };

        var sealedData = seal.Seal(data);

        Assert.Same(spec, data.PendingSpec); // the operation's own copy is untouched
        Assert.NotEqual("s3cr3t-pending", sealedData.PendingSpec!.Secret.Value);
        Assert.NotEqual(Password, sealedData.PendingSpec.Daemon.HaproxyPassword!.Value);
        Assert.Equal((true, "x"), (sealedData.RemoveData, sealedData.DisableError));
        var opened = seal.Open(sealedData).PendingSpec!;
        Assert.Equal(("s3cr3t-pending", Password), (opened.Secret.Value, opened.Daemon.HaproxyPassword!.Value));
        Assert.Null(seal.Seal(new OperationData()).PendingSpec);
    }

    private static async Task<InstallApp> InstallWithPasswordAsync(LifecycleTestHost host, TestApp app)
    {
        app.ExApp.InitStatus = 404;
        var install = app.Install() with
        {
            App = app.Spec() with { Daemon = StandInDeployer.DockerDaemon with { HaproxyPassword = new Secret(Password) } },
        };
        await host.Publish(install);
        Assert.Equal(Outcome.Enabled, (await host.Ended(app.AppId, install.OperationId)).LastOperation!.Outcome);
        return install;
    }

    private static async Task<(string Spec, string Data, bool Sealed)> RawRowAsync(string appId)
    {
        await using var cmd = TestDatabase.DataSource.CreateCommand(
            "SELECT spec::text, op_data::text, secrets_sealed FROM lifecycle.apps WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetString(1), r.GetBoolean(2));
    }

    private static async Task ExecAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = TestDatabase.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>The cipher under the seal (<see cref="ServiceDefaults.Security.SecretBox"/>), which reuses its AES-GCM
/// ciphers across callers.</summary>
public sealed class SecretBoxTests
{
    private static ServiceDefaults.Security.SecretBox Box(byte fill) =>
        new(Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray()), "", "test key");

    [Fact]
    public async Task Values_sealed_and_opened_from_many_threads_at_once_come_back_unchanged()
    {
        var box = Box(1);
        var failures = 0;
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, (i, _) =>
        {
            var plain = $"secret-{i}-" + new string('x', i % 50);
            var sealedValue = box.Protect(plain);
            if (sealedValue.Contains(plain) || box.Unprotect(sealedValue) != plain) Interlocked.Increment(ref failures);
            return ValueTask.CompletedTask;
        });
        Assert.Equal(0, failures);
        // a fresh nonce every time: the same value never seals the same way twice
        Assert.NotEqual(box.Protect("same"), box.Protect("same"));
    }

    [Fact]
    public void A_value_sealed_with_another_key_or_altered_is_refused_and_the_box_keeps_working()
    {
        var box = Box(1);
        var foreign = Box(2).Protect("not yours");
        Assert.ThrowsAny<CryptographicException>(() => box.Unprotect(foreign));
        var sealedValue = box.Protect("mine");
        var raw = Convert.FromBase64String(sealedValue["v1:".Length..]);
        raw[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => box.Unprotect("v1:" + Convert.ToBase64String(raw)));
        Assert.ThrowsAny<CryptographicException>(() => box.Unprotect("v1:not base64"));
        // the failures left nothing broken behind: every later value opens
        for (var i = 0; i < 50; i++) Assert.Equal($"mine {i}", box.Unprotect(box.Protect($"mine {i}")));
        Assert.Equal("mine", box.Unprotect(sealedValue));
    }
}
