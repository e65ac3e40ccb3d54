using ExApps.TestExApp;

if (FleetSettings.FromEnvironment() is { } fleet)
{
    FleetApp.Run(fleet);
    return;
}

var settings = ExAppSettings.FromEnvironment();
var builder = WebApplication.CreateSlimBuilder(args);
builder.AddTestExApp(settings);

var app = builder.Build();
app.UseRequestRecorder();
app.UseWebSockets();
app.MapExAppProtocol();
app.MapProxyTestRoutes();
app.MapPlatformCallRoutes();
app.Logger.LogInformation("{AppId} {Version} listening on {Url} (init mode {InitMode})",
    settings.AppId, settings.AppVersion, settings.ListenUrl, settings.InitMode);
app.Run();
