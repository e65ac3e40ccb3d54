using ExApps.Lifecycle;
using ExApps.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseDefaultUrl("http://127.0.0.1:8082");
// Registered before the bus: the schema migration is a hosted service and hosted services start in order.
builder.AddLifecycle();
builder.AddServiceBus(bus => bus.AddLifecycleConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
