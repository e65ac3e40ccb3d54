namespace ExApps.Cli.Parsing;

/// <summary>
/// Parses a command line the way Symfony's ArgvInput does, so occ scripts keep working: positional arguments,
/// <c>--opt value</c>, <c>--opt=value</c>, repeated options, flags, clustered short flags (<c>-vvv</c>) and
/// <c>--</c> to end options. Messages are Symfony's.
/// </summary>
public static class ArgParser
{
    public static ParsedInput Parse(CommandDefinition command, IReadOnlyList<string> tokens)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var parseOptions = true;

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!parseOptions || token.Length < 2 || token[0] != '-')
            {
                positional.Add(token);
            }
            else if (token == "--")
            {
                parseOptions = false;
            }
            else if (token.StartsWith("--", StringComparison.Ordinal))
            {
                i = ParseLong(command, tokens, i, options);
            }
            else
            {
                i = ParseShortCluster(command, tokens, i, options);
            }
        }

        // --help wins over everything else, so `app:register --help` works without its arguments.
        if (options.ContainsKey("help"))
            return new ParsedInput([], options);

        return new ParsedInput(BindArguments(command, positional), options);
    }

    private static int ParseLong(CommandDefinition command, IReadOnlyList<string> tokens, int i,
        Dictionary<string, List<string>> options)
    {
        var body = tokens[i][2..];
        string? value = null;
        var eq = body.IndexOf('=');
        if (eq >= 0)
        {
            value = body[(eq + 1)..];
            body = body[..eq];
        }

        var option = command.FindOption(body)
            ?? throw new UsageException($"The \"--{body}\" option does not exist.", command);
        if (!option.TakesValue)
        {
            if (value is not null)
                throw new UsageException($"The \"--{option.Name}\" option does not accept a value.", command);
            Add(options, option, "");
            return i;
        }

        if (value is null && TryTakeNext(tokens, i, out var next))
        {
            value = next;
            i++;
        }
        Add(options, option, value ?? throw new UsageException($"The \"--{option.Name}\" option requires a value.", command));
        return i;
    }

    private static int ParseShortCluster(CommandDefinition command, IReadOnlyList<string> tokens, int i,
        Dictionary<string, List<string>> options)
    {
        var cluster = tokens[i][1..];
        for (var c = 0; c < cluster.Length; c++)
        {
            var option = command.FindShortcut(cluster[c])
                ?? throw new UsageException($"The \"-{cluster[c]}\" option does not exist.", command);
            if (!option.TakesValue)
            {
                Add(options, option, "");
                continue;
            }

            // Symfony: the rest of the cluster is the value (-ofile), else the next token.
            var rest = cluster[(c + 1)..];
            if (rest.Length > 0)
            {
                Add(options, option, rest.StartsWith('=') ? rest[1..] : rest);
                return i;
            }
            if (!TryTakeNext(tokens, i, out var next))
                throw new UsageException($"The \"--{option.Name}\" option requires a value.", command);
            Add(options, option, next);
            return i + 1;
        }
        return i;
    }

    // Symfony takes the next token as the value unless it looks like an option.
    private static bool TryTakeNext(IReadOnlyList<string> tokens, int i, out string next)
    {
        next = i + 1 < tokens.Count ? tokens[i + 1] : "";
        return i + 1 < tokens.Count && (next.Length == 0 || next[0] != '-');
    }

    private static void Add(Dictionary<string, List<string>> options, OptionDefinition option, string value)
    {
        if (!options.TryGetValue(option.Name, out var values))
            options[option.Name] = values = [];
        if (option.Kind != OptionKind.RepeatableValue)
            values.Clear();
        values.Add(value);
    }

    private static Dictionary<string, string> BindArguments(CommandDefinition command, List<string> positional)
    {
        var definitions = command.Arguments;
        if (positional.Count > definitions.Count)
        {
            throw new UsageException(definitions.Count == 0
                ? $"No arguments expected for \"{command.Name}\" command, got \"{positional[0]}\"."
                : $"Too many arguments, expected arguments \"{string.Join("\" \"", definitions.Select(a => a.Name))}\".",
                command);
        }

        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < positional.Count; i++)
            bound[definitions[i].Name] = positional[i];

        var missing = definitions.Where(a => a.Required && !bound.ContainsKey(a.Name)).Select(a => a.Name).ToList();
        if (missing.Count > 0)
            throw new UsageException($"Not enough arguments (missing: \"{string.Join(", ", missing)}\").", command);
        return bound;
    }
}
