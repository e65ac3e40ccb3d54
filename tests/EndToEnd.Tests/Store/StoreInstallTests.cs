using System.Text.Json;

namespace ExApps.EndToEnd.Tests.Store;

/// <summary>Issue 14 end to end: a developer signs and publishes the test ExApp to this project's store with the
/// developer tool; the admin installs it by name and updates it from the store with the CLI, on the real services,
/// store, PostgreSQL, RabbitMQ and dockerd.</summary>
[Collection(StoreCollection.Name)]
public sealed class StoreInstallTests(StoreFixture platform)
{
    [Fact]
    public async Task A_published_release_installs_by_name_and_update_all_moves_it_to_the_next_keeping_env_mounts_and_data()
    {
        var appId = platform.AppPrefix + "app";
        var container = $"nc_app_{appId}";
        var volume = $"nc_app_{appId}_data";
        var bindSource = Directory.CreateTempSubdirectory("store-mount-").FullName;
        try
        {
            var (_, key) = await platform.RegisterAppAsync(appId);
            var first = await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0"), key);
            Assert.True(first.ExitCode == 0, first + platform.StoreLogs());
            Assert.Contains($"Release {appId} 1.0.0 published.", first.StdOut);

            var catalog = await platform.Cli("app:catalog", appId);
            Assert.True(catalog.ExitCode == 0, catalog.ToString());
            Assert.Contains($"{appId} (Test ExApp): 1.0.0 [not installed]", catalog.StdOut);

            var install = await platform.Cli("app:register", appId, "--env", "TEST_INIT_MODE=none",
                "--mount", $"{bindSource}:/extra:ro", "--wait-finish");
            Assert.True(install.ExitCode == 0, install + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully registered.", install.StdOut);
            var installed = await platform.GetAppAsync(appId);
            Assert.Equal("1.0.0", installed.GetProperty("version").GetString());
            Assert.True(installed.GetProperty("enabled").GetBoolean());
            var before = (await Docker.InspectContainerAsync(container))!.Value;
            Assert.EndsWith("/exapps/test-exapp:1.0.0", before.GetProperty("Config").GetProperty("Image").GetString());
            var envBefore = Docker.Env(before).ToDictionary(e => e.Name, e => e.Value);
            await Docker.WriteToVolumeAsync(volume, "store-marker", "kept");

            var nothingYet = await platform.Cli("app:update", "--all", "--showonly");
            Assert.True(nothingYet.ExitCode == 0, nothingYet.ToString());
            Assert.DoesNotContain(appId, nothingYet.StdOut);

            var second = await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.1"), key);
            Assert.True(second.ExitCode == 0, second + platform.StoreLogs());

            var showOnly = await platform.Cli("app:update", "--all", "--showonly");
            Assert.True(showOnly.ExitCode == 0, showOnly.ToString());
            Assert.Contains($"{appId} new version available: 1.0.1", showOnly.StdOut);
            Assert.Equal("1.0.0", (await platform.GetAppAsync(appId)).GetProperty("version").GetString()); // nothing changed
            Assert.Equal(before.GetProperty("Id").GetString(), (await Docker.InspectContainerAsync(container))!.Value.GetProperty("Id").GetString());
            var list = await platform.Cli("app:list", "--show-updates");
            Assert.Contains($"{appId} (Test ExApp): 1.0.0 [enabled] (update available: 1.0.1)", list.StdOut);

            var update = await platform.Cli("app:update", "--all", "--wait-finish");
            Assert.True(update.ExitCode == 0, update + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully updated (1.0.0 -> 1.0.1).", update.StdOut);

            var app = await platform.GetAppAsync(appId);
            Assert.Equal("1.0.1", app.GetProperty("version").GetString());
            Assert.True(app.GetProperty("enabled").GetBoolean());
            var after = (await Docker.InspectContainerAsync(container))!.Value;
            Assert.EndsWith("/exapps/test-exapp:1.0.1", after.GetProperty("Config").GetProperty("Image").GetString());
            var envAfter = Docker.Env(after).ToDictionary(e => e.Name, e => e.Value);
            Assert.Equal("1.0.1", envAfter["APP_VERSION"]);
            Assert.Equal("none", envAfter["TEST_INIT_MODE"]);
            Assert.Equal(envBefore["APP_SECRET"], envAfter["APP_SECRET"]);
            Assert.Equal(envBefore["APP_PORT"], envAfter["APP_PORT"]);
            var mounts = after.GetProperty("Mounts").EnumerateArray().ToList();
            Assert.Contains(mounts, m => m.GetProperty("Source").GetString() == bindSource
                && m.GetProperty("Destination").GetString() == "/extra" && !m.GetProperty("RW").GetBoolean());
            Assert.Equal("kept", await Docker.ReadFromVolumeAsync(volume, "store-marker"));

            var again = await platform.Cli("app:update", appId);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains($"ExApp {appId} is already updated (1.0.1)", again.StdOut);
            Assert.DoesNotContain(appId, (await platform.Cli("app:update", "--all", "--showonly")).StdOut);
        }
        finally
        {
            await platform.Cli("app:unregister", appId, "--force", "--rm-data", "--silent");
            await Docker.RemoveContainerAsync(container);
            await Docker.RemoveVolumeAsync(volume);
            Directory.Delete(bindSource, recursive: true);
        }
    }

    [Fact]
    public async Task Update_all_skips_disabled_apps_unless_asked_and_then_leaves_them_disabled()
    {
        var appId = platform.AppPrefix + "off";
        try
        {
            var (_, key) = await platform.RegisterAppAsync(appId);
            Assert.Equal(0, (await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.0"), key)).ExitCode);
            var install = await platform.Cli("app:register", appId, StoreFixture.Daemon, "--env", "TEST_INIT_MODE=none", "--wait-finish");
            Assert.True(install.ExitCode == 0, install + "\n" + platform.Logs());
            Assert.Equal(0, (await platform.Cli("app:disable", appId)).ExitCode);
            Assert.Equal(0, (await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "1.0.1"), key)).ExitCode);

            var skipped = await platform.Cli("app:update", "--all");
            Assert.True(skipped.ExitCode == 0, skipped.ToString());
            Assert.Contains($"ExApp {appId} is disabled. Update skipped (use --include-disabled to update disabled apps).", skipped.StdOut);
            Assert.Equal("1.0.0", (await platform.GetAppAsync(appId)).GetProperty("version").GetString());

            var included = await platform.Cli("app:update", "--all", "--include-disabled");
            Assert.True(included.ExitCode == 0, included + "\n" + platform.Logs());
            Assert.Contains($"ExApp {appId} successfully updated (1.0.0 -> 1.0.1).", included.StdOut);
            Assert.Contains($"ExApp {appId} successfully disabled after update.", included.StdOut);
            var app = await platform.GetAppAsync(appId);
            Assert.Equal("1.0.1", app.GetProperty("version").GetString());
            Assert.False(app.GetProperty("enabled").GetBoolean());
        }
        finally
        {
            await platform.Cli("app:unregister", appId, "--force", "--rm-data", "--silent");
        }
    }

    [Fact]
    public async Task Catalog_and_updates_answer_through_the_gateway_admin_api()
    {
        var appId = platform.AppPrefix + "listed";
        var (_, key) = await platform.RegisterAppAsync(appId);
        Assert.Equal(0, (await platform.PublishAsync(await TestReleases.BuildAsync(platform.Dir, appId, "2.1.0",
            TestReleases.InfoXml(appId, "2.1.0", imageTag: "1.0.0")), key)).ExitCode);

        var search = await platform.AdminAsync(HttpMethod.Get, $"/admin/catalog?search={appId}", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, search.Status);
        var entry = Assert.Single(search.Json.EnumerateArray());
        Assert.Equal(appId, entry.GetProperty("appid").GetString());
        Assert.Equal("2.1.0", entry.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("installed_version").ValueKind);
        Assert.Empty((await platform.AdminAsync(HttpMethod.Get, "/admin/catalog?search=no-such-app-anywhere", null)).Json.EnumerateArray());
        var updates = await platform.AdminAsync(HttpMethod.Get, "/admin/apps/updates", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, updates.Status);
        Assert.DoesNotContain(updates.Json.EnumerateArray(), u => u.GetProperty("appid").GetString() == appId); // not installed
    }
}
