namespace ExApps.AppStore.Hosting;

/// <summary>A small landing page: the store has no web front end, only its REST API.</summary>
public static class HomePage
{
    public const string Html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>ExApps app store</title>
        <link rel="stylesheet" href="/static/appstore.css"></head>
        <body><main>
        <h1>ExApps app store</h1>
        <p>A Nextcloud App Store compatible store for ExApps. Feeds:</p>
        <ul>
        <li><a href="/api/v1/appapi_apps.json">/api/v1/appapi_apps.json</a> (ExApps with their releases)</li>
        <li><a href="/api/v1/apps.json">/api/v1/apps.json</a></li>
        <li><a href="/api/v1/categories.json">/api/v1/categories.json</a></li>
        <li><a href="/api/v1/platforms.json">/api/v1/platforms.json</a></li>
        </ul>
        <p>Developers publish with the <code>./appstore</code> tool (register, release publish).</p>
        </main></body></html>
        """;
}
