namespace ExApps.AppReleases;

/// <summary>A release or registration refused for what the client sent (HTTP 400 with this message).</summary>
public sealed class ReleaseCheckException(string message) : Exception(message);

/// <summary>The store cannot check a request because of its own configuration (HTTP 503; the cause is logged).</summary>
public sealed class StoreConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
