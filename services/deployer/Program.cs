using ExApps.Deployer;
using ExApps.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDeployer();
builder.AddServiceBus(bus => bus.AddDeployerConsumers());

// `urls` also covers --urls and ASPNETCORE_URLS; only fall back to the documented port when none is given.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://127.0.0.1:8083");

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
