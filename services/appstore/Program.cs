using ExApps.AppStore;
using ExApps.AppStore.Admin;
using ExApps.ServiceDefaults;

// `admin <command>` runs an operator command against the same configuration and database, then exits (the
// production image runs it with `docker-compose exec`).
if (args.Length > 0 && args[0] == "admin")
    return await AdminCommands.RunAsync(args[1..]);

var builder = ServiceHost.CreateBuilder(args);
builder.AddAppStoreConfiguration();
builder.AddServiceDefaults();
builder.UseDefaultUrl("http://127.0.0.1:8000");
builder.AddAppStore();

var app = builder.Build();
app.UseAppStore();
app.MapDefaultEndpoints();
app.MapAppStoreEndpoints();
await app.RunAsync();
return 0;

public partial class Program;
