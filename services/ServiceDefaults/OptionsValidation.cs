using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ExApps.ServiceDefaults;

/// <summary>Options are checked against their attributes (<c>[Required]</c>, <c>[Range]</c>, ...) and
/// <c>IValidatableObject</c> by a validator the options source generator writes (<c>[OptionsValidator]</c> on a
/// partial class next to the options), instead of <c>ValidateDataAnnotations()</c>: the same rules and messages,
/// without the reflection validator, which reads the values through <c>TypeDescriptor</c> and so loads
/// System.ComponentModel.TypeConverter and its caches into every service (docs/performance.md, "Memory").</summary>
public static class OptionsValidation
{
    public static OptionsBuilder<TOptions> ValidateAttributes<TOptions, TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder;
    }
}
