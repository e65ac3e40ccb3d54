namespace ExApps.Cli.Parsing;

public enum OptionKind
{
    /// <summary>No value (<c>--set-default</c>).</summary>
    Flag,
    /// <summary>One value; given twice, the last one wins (Symfony's behaviour).</summary>
    Value,
    /// <summary>A value that may be given many times (<c>--env A=1 --env B=2</c>).</summary>
    RepeatableValue,
}

public sealed record ArgumentDefinition(string Name, bool Required, string Description = "");

public sealed record OptionDefinition(
    string Name,
    OptionKind Kind,
    string Description = "",
    char? Shortcut = null,
    string? ValueName = null)
{
    public bool TakesValue => Kind != OptionKind.Flag;

    /// <summary>How the value is shown in usage lines: <c>--net NET</c>.</summary>
    public string ValueLabel => ValueName ?? Name.ToUpperInvariant().Replace('-', '_');
}

/// <summary>What a command accepts: the same shape as a Symfony console command's input definition.</summary>
public sealed record CommandDefinition(
    string Name,
    string Description,
    IReadOnlyList<ArgumentDefinition> Arguments,
    IReadOnlyList<OptionDefinition> Options,
    IReadOnlyList<string>? Examples = null)
{
    /// <summary>The options every command accepts, as Symfony's application adds them.</summary>
    public static readonly IReadOnlyList<OptionDefinition> GlobalOptions =
    [
        new("help", OptionKind.Flag, "Display help for the given command", 'h'),
        new("quiet", OptionKind.Flag, "Do not output any message (errors are still shown)", 'q'),
        new("version", OptionKind.Flag, "Display this application version", 'V'),
        new("ansi", OptionKind.Flag, "Force an updating progress line even when output is not a terminal"),
        new("no-ansi", OptionKind.Flag, "Disable the updating progress line"),
        new("no-interaction", OptionKind.Flag, "Accepted for occ compatibility; this CLI never asks questions", 'n'),
        new("verbose", OptionKind.Flag, "Accepted for occ compatibility", 'v'),
    ];

    public OptionDefinition? FindOption(string name) =>
        Options.FirstOrDefault(o => o.Name == name) ?? GlobalOptions.FirstOrDefault(o => o.Name == name);

    public OptionDefinition? FindShortcut(char shortcut) =>
        Options.FirstOrDefault(o => o.Shortcut == shortcut) ?? GlobalOptions.FirstOrDefault(o => o.Shortcut == shortcut);

    /// <summary>The usage line: <c>daemon:unregister [--] &lt;daemon-config-name&gt;</c>.</summary>
    public string Synopsis()
    {
        var parts = new List<string> { Name };
        foreach (var option in Options)
        {
            var name = option.Shortcut is { } s ? $"-{s}|--{option.Name}" : $"--{option.Name}";
            parts.Add(option.Kind switch
            {
                OptionKind.Flag => $"[{name}]",
                OptionKind.Value => $"[{name} {option.ValueLabel}]",
                _ => $"[{name} {option.ValueLabel}]...",
            });
        }
        if (Arguments.Count > 0 && Options.Count > 0)
            parts.Add("[--]");
        parts.AddRange(Arguments.Select(a => a.Required ? $"<{a.Name}>" : $"[<{a.Name}>]"));
        return string.Join(' ', parts);
    }
}
