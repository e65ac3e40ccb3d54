namespace ExApps.Cli.Output;

/// <summary>
/// Shows a changing status: on a terminal one line rewritten in place (carriage return, padded over the old
/// text, so no ANSI codes are needed); otherwise one line per change, so logs stay readable.
/// </summary>
public sealed class ProgressReporter(TextWriter output, bool inPlace, bool enabled = true)
{
    private string? _last;

    public void Report(string line)
    {
        if (!enabled || line == _last)
            return;
        if (inPlace)
            output.Write("\r" + line.PadRight(_last?.Length ?? 0));
        else
            output.WriteLine(line);
        output.Flush();
        _last = line;
    }

    /// <summary>Ends the in-place line so what follows starts on a fresh line.</summary>
    public void Complete()
    {
        if (enabled && inPlace && _last is not null)
            output.WriteLine();
        _last = null;
    }
}
