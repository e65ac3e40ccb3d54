namespace ExApps.Cli.Parsing;

/// <summary>Arguments and options of one command line, already checked against the command's definition.</summary>
public sealed class ParsedInput
{
    private readonly Dictionary<string, string> _arguments;
    private readonly Dictionary<string, List<string>> _options;

    public ParsedInput(Dictionary<string, string> arguments, Dictionary<string, List<string>> options)
    {
        _arguments = arguments;
        _options = options;
    }

    public string? Argument(string name) => _arguments.GetValueOrDefault(name);

    /// <summary>A required argument (the parser has already refused a command line without it).</summary>
    public string RequiredArgument(string name) =>
        _arguments.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"Argument {name} missing");

    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>The value of a single-value option (the last one when repeated), or null when absent.</summary>
    public string? Option(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    /// <summary>Every value of a repeatable option, in command-line order.</summary>
    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out var values) ? values : [];
}
