using Microsoft.AspNetCore.Builder;

namespace ExApps.ServiceDefaults;

/// <summary>How every service creates its host.</summary>
public static class ServiceHost
{
    /// <summary><see cref="WebApplication.CreateBuilder(string[])"/> without reloading configuration files when they
    /// change. With reloading on, the host watches its content root recursively for <c>appsettings*.json</c> (even
    /// though no service ships one): started from the repository root, as scripts/run.sh, the tests and bench/ do,
    /// that was an inotify watch on each of about a thousand directories per process, a directory walk at every
    /// start, and one of the 128 inotify instances a user may have on Debian per process. The services read their
    /// configuration once, at start; restart one to change it.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"] });
}
