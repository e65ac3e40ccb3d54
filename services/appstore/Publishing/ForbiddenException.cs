namespace ExApps.AppStore.Publishing;

/// <summary>The account may not do this to the app (HTTP 403 with this message).</summary>
public sealed class ForbiddenException(string message) : Exception(message);
