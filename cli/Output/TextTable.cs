using System.Text;

namespace ExApps.Cli.Output;

/// <summary>A table drawn like Symfony's console Table (the one occ's daemon:list prints).</summary>
public static class TextTable
{
    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = headers.Select((h, i) => rows.Select(r => Cell(r, i).Length).Append(h.Length).Max()).ToArray();
        var border = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+";
        var sb = new StringBuilder();
        sb.AppendLine(border);
        sb.AppendLine(Line(headers, widths));
        sb.AppendLine(border);
        foreach (var row in rows)
            sb.AppendLine(Line(row, widths));
        sb.AppendLine(border);
        return sb.ToString();
    }

    private static string Cell(IReadOnlyList<string> row, int i) => i < row.Count ? row[i] : "";

    private static string Line(IReadOnlyList<string> row, int[] widths) =>
        "|" + string.Concat(widths.Select((w, i) => " " + Cell(row, i).PadRight(w) + " |"));
}
