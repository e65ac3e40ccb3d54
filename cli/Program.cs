using System.Collections;
using ExApps.Cli;

// Ctrl+C stops waiting (e.g. `app:register --wait-finish`); the platform keeps working on its own.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var env = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
    env[(string)entry.Key] = entry.Value as string ?? "";

var terminal = !Console.IsOutputRedirected;
return await CliApp.RunAsync(args, Console.Out, Console.Error, env, terminal, cts.Token);
