using ExApps.Deployer;
using ExApps.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultUrl("http://127.0.0.1:8083");
builder.AddDeployer();
builder.AddServiceBus(bus => bus.AddDeployerConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
