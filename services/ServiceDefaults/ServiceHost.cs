using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ExApps.ServiceDefaults;

/// <summary>How every service creates its host.</summary>
public static class ServiceHost
{
    /// <summary><see cref="WebApplication.CreateBuilder(string[])"/> without reloading configuration files when they
    /// change. With reloading on, the host watches its content root recursively for <c>appsettings*.json</c> (even
    /// though no service ships one): started from the repository root, as scripts/run.sh, the tests and bench/ do,
    /// that was an inotify watch on each of about a thousand directories per process, a directory walk at every
    /// start, and one of the 128 inotify instances a user may have on Debian per process. The services read their
    /// configuration once, at start; restart one to change it.
    /// It is ASP.NET Core's slim builder: no IIS integration and no HTTP/3 (QUIC) transport, which the full builder
    /// loads on Linux too (six assemblies, 2-6 MiB resident per service, docs/performance.md), and no Debug or
    /// EventSource logger. Kestrel still reads HTTPS endpoints from configuration (<c>Kestrel:Endpoints</c>), so an
    /// operator can serve TLS without a proxy in front.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseKestrelHttpsConfiguration();
        return builder;
    }
}
