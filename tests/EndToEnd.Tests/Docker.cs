using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Reads the real dockerd's view of containers and volumes through the docker CLI.</summary>
public static class Docker
{
    public static async Task<JsonElement?> InspectContainerAsync(string name)
    {
        var r = await ProcessRunner.RunAsync("docker", ["inspect", "--type", "container", name]);
        if (r.ExitCode != 0) return null;
        return JsonDocument.Parse(r.StdOut).RootElement[0].Clone();
    }

    public static async Task<bool> VolumeExistsAsync(string name) =>
        (await ProcessRunner.RunAsync("docker", ["volume", "inspect", name])).ExitCode == 0;

    public static Task RemoveVolumeAsync(string name) => ProcessRunner.RunAsync("docker", ["volume", "rm", "-f", name]);

    public static Task RemoveContainerAsync(string name) => ProcessRunner.RunAsync("docker", ["rm", "-f", name]);

    public static Task KillContainerAsync(string name) => ProcessRunner.RunAsync("docker", ["kill", name]);

    /// <summary>Env of a container as (name, value) pairs in the container's order.</summary>
    public static List<(string Name, string Value)> Env(JsonElement container) => container
        .GetProperty("Config").GetProperty("Env").EnumerateArray()
        .Select(e => e.GetString()!)
        .Select(e => (e[..e.IndexOf('=')], e[(e.IndexOf('=') + 1)..]))
        .ToList();

    /// <summary>Writes a file into a volume from this host (dockerd is local and the tests run as root), to find it
    /// again after a redeploy.</summary>
    public static async Task WriteToVolumeAsync(string volume, string file, string text) =>
        await File.WriteAllTextAsync(Path.Combine(await VolumeFolderAsync(volume), file), text);

    public static async Task<string> ReadFromVolumeAsync(string volume, string file) =>
        await File.ReadAllTextAsync(Path.Combine(await VolumeFolderAsync(volume), file));

    private static async Task<string> VolumeFolderAsync(string volume)
    {
        var r = await ProcessRunner.RunAsync("docker", ["volume", "inspect", "-f", "{{.Mountpoint}}", volume]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"Volume {volume} cannot be inspected: {r}");
        return r.StdOut.Trim();
    }
}
