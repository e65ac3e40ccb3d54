using System.Diagnostics;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>Builds the test images from this machine's own binaries (no base image, no internet) and pushes them
/// to the local registry. Tarballs are deterministic (sorted, fixed times and owners), so every run pushes the
/// same layers and the registry does not grow.</summary>
internal static class TestImages
{
    private static readonly string[] Binaries = ["/bin/sleep", "/bin/true", "/bin/false", "/bin/sh", "/bin/echo", "/bin/cat"];

    public static string Sleeper(string tag) => $"{TestSettings.Registry}/{TestSettings.Repository}:{tag}";

    /// <summary>An image whose only copy is in the registry, so that pulling it downloads a layer.</summary>
    public static string PullOnly => $"{TestSettings.Registry}/{TestSettings.Repository}-pull:1";

    /// <summary>The images the fixture leaves on the engine while the tests run.</summary>
    private static IEnumerable<string> Local =>
        [Sleeper("1"), Sleeper("2-cpu"), Sleeper("chatty"), Sleeper("unhealthy"), Sleeper("healthy")];

    /// <summary>Removes the local copies (every run imports new ones; the registry keeps its copies).</summary>
    public static async Task RemoveLocalAsync()
    {
        foreach (var image in Local.Append(PullOnly)) await DockerCli.TryAsync("rmi", image);
    }

    public static async Task BuildAndPushAsync()
    {
        var work = Directory.CreateTempSubdirectory("exapps-deployer-images-");
        try
        {
            var rootfs = Path.Combine(work.FullName, "rootfs");
            await CopyBinariesAsync(rootfs);
            var baseTar = await TarAsync(rootfs, Path.Combine(work.FullName, "base.tar"));

            await ImportAsync(baseTar, Sleeper("1"), """CMD ["/bin/sleep","infinity"]""");
            await DockerCli.RunAsync("tag", Sleeper("1"), Sleeper("2-cpu")); // only the variant of tag 2 exists
            await ImportAsync(baseTar, Sleeper("chatty"),
                """CMD ["/bin/sh","-c","echo to-stdout; echo to-stderr >&2; exec /bin/sleep infinity"]""");
            await BuildWithHealthCheckAsync(work.FullName, Sleeper("unhealthy"), "/bin/false");
            await BuildWithHealthCheckAsync(work.FullName, Sleeper("healthy"), "/bin/true");

            // 1 MiB of fixed pseudo-random bytes: a layer of its own that no other image shares.
            var blob = new byte[1 << 20];
            new Random(20240601).NextBytes(blob);
            await File.WriteAllBytesAsync(Path.Combine(rootfs, "blob.bin"), blob);
            await ImportAsync(await TarAsync(rootfs, Path.Combine(work.FullName, "pull.tar")), PullOnly,
                """CMD ["/bin/sleep","infinity"]""");

            foreach (var image in Local.Append(PullOnly))
                await DockerCli.RunAsync("push", image);
            await DockerCli.RunAsync("rmi", PullOnly);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task CopyBinariesAsync(string rootfs)
    {
        var files = new HashSet<string>(Binaries);
        foreach (var binary in Binaries)
        {
            // ldd lines: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
            foreach (var line in (await RunAsync("ldd", binary)).Split('\n'))
            {
                var path = line.Contains("=>") ? line.Split("=>")[1].Trim() : line.Trim();
                path = path.Split(' ')[0];
                if (path.StartsWith('/')) files.Add(path);
            }
        }
        foreach (var file in files)
        {
            var target = Path.Combine(rootfs, file.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true); // follows symlinks and keeps the mode
        }
    }

    private static async Task<string> TarAsync(string dir, string tar)
    {
        await RunAsync("tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
            "-C", dir, "-cf", tar, ".");
        return tar;
    }

    private static Task ImportAsync(string tar, string image, string cmd) =>
        DockerCli.RunAsync("import", "--change", cmd, tar, image);

    private static async Task BuildWithHealthCheckAsync(string work, string image, string check)
    {
        var context = Directory.CreateDirectory(Path.Combine(work, $"ctx-{Guid.NewGuid():N}")).FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"),
            $"FROM {Sleeper("1")}\nHEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD [\"{check}\"]\n");
        // The classic builder uses the local base image as it is; BuildKit would try to resolve it remotely.
        await DockerCli.RunAsync(["build", "-q", "-t", image, context],
            new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" });
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }
}
