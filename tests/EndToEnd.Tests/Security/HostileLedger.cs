using System.Collections.Concurrent;
using System.Text;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>Counts what the hostile suite sent (per category: inputs tried, answers 5xx, inputs that changed stored
/// data) and writes the totals to .local/test-results/security-suite.txt, the numbers docs/security.md quotes.</summary>
public sealed class HostileLedger
{
    private readonly ConcurrentQueue<(string Category, string Input, int Status, bool Stored)> _entries = new();

    public void Record(string category, string input, int status, bool stored) => _entries.Enqueue((category, input, status, stored));

    public int Count => _entries.Count;

    public string Summary()
    {
        var sb = new StringBuilder("category | inputs tried | 5xx | stored\n");
        foreach (var g in _entries.GroupBy(e => e.Category).OrderBy(g => g.Key))
            sb.Append($"{g.Key} | {g.Count()} | {g.Count(e => e.Status >= 500)} | {g.Count(e => e.Stored)}\n");
        sb.Append($"total | {_entries.Count} | {_entries.Count(e => e.Status >= 500)} | {_entries.Count(e => e.Stored)}\n");
        foreach (var e in _entries.Where(e => e.Status >= 500 || e.Stored))
            sb.Append($"! {e.Category} {e.Input}: {e.Status}{(e.Stored ? ", stored" : "")}\n");
        return sb.ToString();
    }

    public void WriteSummary(string path)
    {
        if (_entries.IsEmpty) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Summary());
    }
}
