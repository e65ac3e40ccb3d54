// bench/run.sh's "YARP alone" peer (see BareForwarder.csproj). Usage: bare-forwarder PORT EXAPP_URL APP_ID AUTH
// where AUTH is the AUTHORIZATION-APP-API value HAProxy sets too.
using System.Net;
using Yarp.ReverseProxy.Forwarder;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: bare-forwarder PORT EXAPP_URL APP_ID AUTH");
    return 2;
}
var (port, target, appId, auth) = (int.Parse(args[0]), args[1].TrimEnd('/'), args[2], args[3]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
var app = builder.Build();
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
// One connection pool, as the gateway's ExAppProxyClient (YARP's recommended invoker settings).
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false,
});
var transformer = new AppApiTransformer(target, appId, auth);
app.Run(async http => await forwarder.SendAsync(http, target, invoker, ForwarderRequestConfig.Empty, transformer));
app.Run();
return 0;

/// <summary>What HAProxy's config in bench/run.sh does: <c>/index.php/apps/app_api/proxy/{app}</c> cut off the
/// path, the four AppAPI headers set.</summary>
internal sealed class AppApiTransformer(string target, string appId, string auth) : HttpTransformer
{
    private const string Prefix = "/index.php/apps/app_api/proxy/";

    public override async ValueTask TransformRequestAsync(HttpContext http, HttpRequestMessage proxyRequest,
        string destinationPrefix, CancellationToken ct)
    {
        await base.TransformRequestAsync(http, proxyRequest, destinationPrefix, ct);
        var path = http.Request.Path.Value ?? "/";
        if (path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var rest = path.IndexOf('/', Prefix.Length);
            path = rest < 0 ? "/" : path[rest..];
        }
        proxyRequest.RequestUri = new Uri(target + path + http.Request.QueryString.Value);
        proxyRequest.Headers.Host = null;
        proxyRequest.Headers.TryAddWithoutValidation("EX-APP-ID", appId);
        proxyRequest.Headers.TryAddWithoutValidation("EX-APP-VERSION", "1.0.0");
        proxyRequest.Headers.TryAddWithoutValidation("AA-VERSION", "32.0.0");
        proxyRequest.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", auth);
    }
}
