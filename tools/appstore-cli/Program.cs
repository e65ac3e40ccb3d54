using ExApps.AppStore.Cli;

try
{
    return await Commands.RunAsync(args, Console.Out);
}
catch (CliException e)
{
    Console.Error.WriteLine($"appstore: {e.Message}");
    return 1;
}
