namespace ExApps.Contracts;

// The registry's requests to the lifecycle, which owns every app operation from here to its end (docs/flows.md).
// Each carries the registration it belongs to: a message of an app that was unregistered and registered again
// must never act on the new registration.

/// <summary>app:register: deploy, heartbeat, init, enable.</summary>
public sealed record InstallApp
{
    public required Guid OperationId { get; init; }
    public required Guid RegistrationId { get; init; }
    public required AppSpec App { get; init; }
}

/// <summary>app:update: disable (if enabled), redeploy with <see cref="App"/> (the new version and image, the same
/// port, secret, deploy options and data volume), then heartbeat, init, enable.</summary>
public sealed record UpdateApp
{
    public required Guid OperationId { get; init; }
    public required Guid RegistrationId { get; init; }
    public required AppSpec App { get; init; }
}

/// <summary>app:enable: start the container (unless a manual install), heartbeat, mark enabled, then
/// <c>PUT /enabled?enabled=1</c> (reverted when the ExApp refuses).</summary>
public sealed record EnableApp
{
    public required Guid OperationId { get; init; }
    public required Guid RegistrationId { get; init; }
    public required AppSpec App { get; init; }
}

/// <summary>app:disable: <c>PUT /enabled?enabled=0</c>, stop the container, mark disabled.</summary>
public sealed record DisableApp
{
    public required Guid OperationId { get; init; }
    public required Guid RegistrationId { get; init; }
    public required AppSpec App { get; init; }
}

/// <summary>app:unregister: replaces any operation in flight; disable if enabled, remove the container (and the
/// data volume when <see cref="RemoveData"/>), then the records. With <see cref="Force"/> a failed removal does
/// not stop it.</summary>
public sealed record UnregisterApp
{
    public required Guid OperationId { get; init; }
    public required Guid RegistrationId { get; init; }
    public required AppSpec App { get; init; }
    public bool RemoveData { get; init; }
    public bool Force { get; init; }
}
