using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.Daemon;

/// <summary><c>daemon:registry:add &lt;name&gt; --registry-from=X --registry-to=Y</c> (<c>Y = local</c>: never pull).</summary>
public sealed class AddRegistryCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "daemon:registry:add",
        "Add a Docker registry mapping to a daemon config",
        [new ArgumentDefinition("name", true, "Deploy daemon name")],
        [
            new("registry-from", OptionKind.Value, "Registry the app info names (e.g. ghcr.io)", ValueName: "FROM"),
            new("registry-to", OptionKind.Value, "Registry to pull from instead, or local to use the local image without pulling", ValueName: "TO"),
        ],
        ["docker_local --registry-from=ghcr.io --registry-to=localhost:5000", "docker_local --registry-from=docker.io --registry-to=local"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var name = input.RequiredArgument("name");
        var from = input.Option("registry-from");
        var to = input.Option("registry-to");
        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
            throw new CliException("Both --registry-from and --registry-to are required.");
        var message = await DaemonErrors.Map(name, () => context.Api.AddRegistryAsync(name, from, to, ct));
        context.Info(message ?? "Registry mapping added.");
        return 0;
    }
}

/// <summary><c>daemon:registry:remove &lt;name&gt; --registry-from=X</c>.</summary>
public sealed class RemoveRegistryCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "daemon:registry:remove",
        "Remove a Docker registry mapping from a daemon config",
        [new ArgumentDefinition("name", true, "Deploy daemon name")],
        [
            new("registry-from", OptionKind.Value, "The registry whose mapping is removed", ValueName: "FROM"),
            new("registry-to", OptionKind.Value, "Accepted for occ compatibility; the mapping is found by --registry-from", ValueName: "TO"),
        ],
        ["docker_local --registry-from=ghcr.io"]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var name = input.RequiredArgument("name");
        var from = input.Option("registry-from");
        if (string.IsNullOrWhiteSpace(from))
            throw new CliException("--registry-from is required.");
        var message = await DaemonErrors.Map(name, () => context.Api.RemoveRegistryAsync(name, from, ct));
        context.Info(message ?? "Registry mapping removed.");
        return 0;
    }
}

/// <summary><c>daemon:registry:list &lt;name&gt;</c>: the mappings as a table.</summary>
public sealed class ListRegistriesCommand : ICliCommand
{
    public CommandDefinition Definition { get; } = new(
        "daemon:registry:list",
        "List the Docker registry mappings of a daemon config",
        [new ArgumentDefinition("name", true, "Deploy daemon name")],
        []);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var name = input.RequiredArgument("name");
        var remaps = await DaemonErrors.Map(name, () => context.Api.ListRegistriesAsync(name, ct));
        if (remaps.Count == 0)
        {
            context.Info($"Daemon config `{name}` has no registry mappings.");
            return 0;
        }
        context.Info($"Registry mappings of daemon config `{name}`:");
        context.Info(TextTable.Render(["From", "To"], remaps.Select(r => (IReadOnlyList<string>)[r.From, r.To]).ToList()).TrimEnd());
        return 0;
    }
}
