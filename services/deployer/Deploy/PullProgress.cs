using Docker.DotNet.Models;

namespace ExApps.Deployer.Deploy;

/// <summary>Deploy progress 0..94 from the pull stream (deploy step 2). Every layer to be pulled weighs the same
/// (layers that already exist need no work and are left out); within a layer, download is the first 80 % and
/// extraction the rest. Unlike AppAPI (integer truncation kept it at 0 until
/// the end), the value moves with every <c>current/total</c> update. It never goes down.</summary>
public sealed class PullProgress
{
    public const int Max = 94;
    private const double DownloadShare = 0.8;

    private readonly Dictionary<string, double> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Current, long Total)> _bytes = new(StringComparer.Ordinal);

    /// <summary>The current deploy progress, 0..<see cref="Max"/>.</summary>
    public int Percent { get; private set; }

    /// <summary>Bytes of the new layers downloaded so far, of <see cref="TotalBytes"/> (the sizes the engine announced
    /// with its download progress; layers that were already there count nothing).</summary>
    public long PulledBytes => _bytes.Values.Sum(b => b.Current);

    public long TotalBytes => _bytes.Values.Sum(b => b.Total);

    /// <returns>true when <see cref="Percent"/> changed.</returns>
    public bool Apply(JSONMessage message)
    {
        if (message.ID is not { Length: > 0 } id) return false;
        if (message.Status == "Already exists")
        {
            // Counting it as done would jump to the top before the other layers are even announced.
            _layers.Remove(id);
            return false;
        }
        CountBytes(id, message);
        if (LayerFraction(message) is not { } fraction) return false;
        // A layer's statuses arrive in order, but a late "Downloading" must not undo "Pull complete".
        _layers[id] = Math.Max(fraction, _layers.GetValueOrDefault(id));
        var percent = (int)Math.Floor(_layers.Values.Average() * Max);
        if (percent <= Percent) return false;
        Percent = percent;
        return true;
    }

    /// <summary>The pull finished: every layer is in place.</summary>
    public void Complete()
    {
        Percent = Max;
        foreach (var (id, b) in _bytes.ToList()) _bytes[id] = (b.Total, b.Total);
    }

    private void CountBytes(string id, JSONMessage m)
    {
        if (m.Status == "Downloading" && m.Progress is { Total: > 0 } p)
        {
            long total = p.Total.Value, current = p.Current ?? 0;
            _bytes[id] = (Math.Clamp(Math.Max(current, _bytes.GetValueOrDefault(id).Current), 0L, total), total);
        }
        else if (m.Status is "Download complete" or "Extracting" or "Pull complete" && _bytes.TryGetValue(id, out var b))
            _bytes[id] = (b.Total, b.Total);
    }

    // null: not a layer message ("Pulling from <repo>" carries the tag as its id; "Digest:", "Status:" none).
    private static double? LayerFraction(JSONMessage m)
    {
        var status = m.Status ?? "";
        return status switch
        {
            "Pulling fs layer" or "Waiting" => 0,
            "Downloading" => DownloadShare * Ratio(m),
            "Verifying Checksum" or "Download complete" => DownloadShare,
            "Extracting" => DownloadShare + (1 - DownloadShare) * Ratio(m),
            "Pull complete" => 1,
            _ when status.StartsWith("Retrying", StringComparison.Ordinal) => 0,
            _ => null,
        };
    }

    private static double Ratio(JSONMessage m) =>
        m.Progress is { Current: { } current, Total: { } total } && total > 0
            ? Math.Clamp((double)current / total, 0, 1)
            : 0;
}
