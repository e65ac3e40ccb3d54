using System.Text.Json;
using Docker.DotNet.Models;
using ExApps.Deployer.Deploy;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.Tests;

public sealed class PullProgressTests
{
    private static IReadOnlyList<JSONMessage> Recorded(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", name))
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<JSONMessage>(l, DockerJson.Options)!)
            .ToList();

    private static List<int> Replay(IEnumerable<JSONMessage> messages, PullProgress progress) =>
        messages.Select(m => { progress.Apply(m); return progress.Percent; }).ToList();

    [Fact]
    public void A_recorded_three_layer_pull_moves_during_the_stream_and_never_goes_back()
    {
        var messages = Recorded("pull-three-layers.jsonl");
        var progress = new PullProgress();

        var values = Replay(messages, progress);

        Assert.Equal(values.Order(), values);
        Assert.All(values, v => Assert.InRange(v, 0, PullProgress.Max));
        // Several distinct steps while layers download and extract, not one jump at the end.
        Assert.True(values.Distinct().Count() >= 5, string.Join(",", values));
        var firstMove = values.FindIndex(v => v > 0);
        Assert.InRange(firstMove, 1, messages.Count / 2);
        Assert.Equal(PullProgress.Max, values[^1]);
    }

    [Fact]
    public void Halfway_through_the_recorded_stream_the_value_is_strictly_between_start_and_end()
    {
        var messages = Recorded("pull-three-layers.jsonl");
        var progress = new PullProgress();

        Replay(messages.Take(messages.Count / 2), progress);

        Assert.InRange(progress.Percent, 1, PullProgress.Max - 1);
    }

    [Fact]
    public void Download_bytes_count_within_a_layer()
    {
        var progress = new PullProgress();
        progress.Apply(Layer("a", "Pulling fs layer"));

        progress.Apply(Layer("a", "Downloading", 500, 1000));

        // half of the download share (80 %) of the only layer
        Assert.Equal((int)Math.Floor(0.4 * PullProgress.Max), progress.Percent);
    }

    [Fact]
    public void Layers_that_already_exist_are_left_out_of_the_work_to_do()
    {
        var progress = new PullProgress();
        progress.Apply(Layer("a", "Already exists"));
        progress.Apply(Layer("b", "Pulling fs layer"));
        Assert.Equal(0, progress.Percent);

        progress.Apply(Layer("b", "Downloading", 500, 1000));

        Assert.Equal((int)Math.Floor(0.4 * PullProgress.Max), progress.Percent);
    }

    [Fact]
    public void Messages_that_are_not_about_a_layer_are_ignored()
    {
        var progress = new PullProgress();

        // "Pulling from" carries the tag as its id; counting it as a layer would hold progress back.
        Assert.False(progress.Apply(new JSONMessage { Status = "Pulling from exapps/app", ID = "1.2.3" }));
        progress.Apply(Layer("a", "Pull complete"));
        Assert.False(progress.Apply(new JSONMessage { Status = "Digest: sha256:abc" }));

        Assert.Equal(PullProgress.Max, progress.Percent);
    }

    [Fact]
    public void A_late_download_message_does_not_undo_a_finished_layer()
    {
        var progress = new PullProgress();
        progress.Apply(Layer("a", "Pull complete"));
        progress.Apply(Layer("b", "Pull complete"));

        Assert.False(progress.Apply(Layer("a", "Downloading", 1, 1000)));
        Assert.Equal(PullProgress.Max, progress.Percent);
    }

    [Fact]
    public void Bytes_count_the_new_layers_downloads_and_reach_their_total_when_the_pull_completes()
    {
        var progress = new PullProgress();
        progress.Apply(Layer("a", "Already exists"));
        progress.Apply(Layer("b", "Downloading", 1000, 4000));
        progress.Apply(Layer("c", "Downloading", 500, 6000));
        Assert.Equal((1500L, 10000L), (progress.PulledBytes, progress.TotalBytes));
        progress.Apply(Layer("b", "Download complete"));
        Assert.Equal((4500L, 10000L), (progress.PulledBytes, progress.TotalBytes));
        progress.Apply(Layer("c", "Downloading", 100, 6000)); // a late, smaller report changes nothing
        Assert.Equal(4500L, progress.PulledBytes);
        progress.Complete();
        Assert.Equal((10000L, 10000L), (progress.PulledBytes, progress.TotalBytes));
    }

    [Fact]
    public void The_recorded_pull_ends_with_every_downloaded_byte_counted()
    {
        var progress = new PullProgress();
        foreach (var m in Recorded("pull-three-layers.jsonl")) progress.Apply(m);
        progress.Complete();
        Assert.True(progress.TotalBytes > 12_000_000, progress.TotalBytes.ToString());
        Assert.Equal(progress.TotalBytes, progress.PulledBytes);
    }

    private static JSONMessage Layer(string id, string status, long? current = null, long? total = null) =>
        new() { Status = status, ID = id, Progress = current is null ? null : new JSONProgress { Current = current, Total = total } };
}
