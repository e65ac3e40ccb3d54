namespace ExApps.EndToEnd.Tests;

/// <summary>Where the repository and the built services are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the services are run from the same configuration the tests were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string ServiceDll(string folder, string assembly) =>
        Path.Combine(Root, "services", folder, "bin", Configuration, "net10.0", assembly + ".dll");

    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Services.sln"))) return dir.FullName;
        throw new InvalidOperationException("Services.sln not found above " + AppContext.BaseDirectory);
    }
}
