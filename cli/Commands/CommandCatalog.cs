using ExApps.Cli.Commands.App;
using ExApps.Cli.Commands.Daemon;

namespace ExApps.Cli.Commands;

/// <summary>
/// Every command, found by name the way Symfony's application finds it: the exact name, occ's full name
/// (<c>app_api:app:register</c>), or an unambiguous abbreviation of each part (<c>app:reg</c>).
/// </summary>
public sealed class CommandCatalog
{
    private const string OccPrefix = "app_api:";

    public CommandCatalog()
    {
        Commands =
        [
            new HelpCommand(this),
            new ListCommand(this),
            new RegisterAppCommand(),
            new ListAppsCommand(),
            new UnregisterAppCommand(),
            new UpdateAppCommand(),
            new EnableAppCommand(),
            new DisableAppCommand(),
            new AppLogsCommand(),
            new AppEventsCommand(),
            new CatalogCommand(),
            new RegisterDaemonCommand(),
            new ListDaemonsCommand(),
            new UnregisterDaemonCommand(),
            new CheckDaemonCommand(),
            new AddRegistryCommand(),
            new RemoveRegistryCommand(),
            new ListRegistriesCommand(),
        ];
    }

    public IReadOnlyList<ICliCommand> Commands { get; }

    public ICliCommand Find(string name)
    {
        if (name.StartsWith(OccPrefix, StringComparison.Ordinal))
            name = name[OccPrefix.Length..];

        var exact = Commands.FirstOrDefault(c => c.Definition.Name == name);
        if (exact is not null)
            return exact;

        var abbreviated = Commands.Where(c => IsAbbreviation(name, c.Definition.Name)).ToList();
        if (abbreviated.Count == 1)
            return abbreviated[0];
        if (abbreviated.Count > 1)
            throw new CliException($"Command \"{name}\" is ambiguous.{Suggest(abbreviated)}");

        var similar = Commands.Where(c => IsSimilar(name, c.Definition.Name)).ToList();
        throw new CliException($"Command \"{name}\" is not defined.{Suggest(similar)}");
    }

    private static bool IsAbbreviation(string input, string name)
    {
        var given = input.Split(':');
        var parts = name.Split(':');
        return given.Length == parts.Length
            && given.Zip(parts).All(p => p.First.Length > 0 && p.Second.StartsWith(p.First, StringComparison.Ordinal));
    }

    private static bool IsSimilar(string input, string name) =>
        name.Contains(input, StringComparison.OrdinalIgnoreCase)
        || input.Split(':').Any(part => part.Length > 2 && name.Split(':').Any(n => n.StartsWith(part, StringComparison.OrdinalIgnoreCase)));

    private static string Suggest(IReadOnlyList<ICliCommand> candidates) =>
        candidates.Count == 0
            ? ""
            : Environment.NewLine + Environment.NewLine + "Did you mean one of these?"
              + string.Concat(candidates.Select(c => $"{Environment.NewLine}    {c.Definition.Name}"));
}
