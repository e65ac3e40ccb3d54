namespace ExApps.Deployer.Deploy;

/// <summary>A deploy cannot go on for a reason that is not an Engine API error (bad request data, a container that
/// never runs, a failed health check). The message is the reason shown to the operator.</summary>
public sealed class DeployException(string message) : Exception(message);
