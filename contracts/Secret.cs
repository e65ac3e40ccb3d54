namespace ExApps.Contracts;

/// <summary>A secret value (ExApp secret, daemon password). Its string form is masked so that a logged message
/// or record never shows it; only <see cref="Value"/> reads it.</summary>
public sealed record Secret(string Value)
{
    public override string ToString() => "***";
}
