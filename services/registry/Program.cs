using ExApps.Registry;
using ExApps.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRegistry();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRegistryEndpoints();
app.Run();

public partial class Program;
