using System.ComponentModel.DataAnnotations;

namespace ExApps.ServiceDefaults;

/// <summary>Connection to RabbitMQ, section <c>RabbitMq</c>. Defaults fit the local broker the scripts start.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required] public string Host { get; set; } = "127.0.0.1";
    [Range(1, 65535)] public int Port { get; set; } = 5672;
    [Required] public string VirtualHost { get; set; } = "/";
    [Required] public string Username { get; set; } = "guest";
    [Required] public string Password { get; set; } = "guest";
}

/// <summary>Checks the attributes above (and <c>IValidatableObject</c>, where implemented) with code the options source
/// generator writes: ServiceDefaults/OptionsValidation.cs.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class RabbitMqOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<RabbitMqOptions> { }
