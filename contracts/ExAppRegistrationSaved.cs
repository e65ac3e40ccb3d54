namespace ExApps.Contracts;

/// <summary>Published by the registry when an ExApp registered (or replaced) something whose effect lives in
/// Nextcloud: a file action, a top menu entry, a script, a settings form, an occ command, a Talk bot, a task
/// processing provider... (docs/registrations.md lists every <see cref="Kind"/> and its <see cref="Data"/>). A
/// Nextcloud-side connector applies it; it may arrive more than once and must be applied idempotently, the latest
/// <see cref="UpdatedAt"/> winning.</summary>
public sealed record ExAppRegistrationSaved
{
    public required string AppId { get; init; }
    /// <summary><c>files_actions_menu</c>, <c>top_menu</c>, <c>initial_state</c>, <c>script</c>, <c>style</c>,
    /// <c>settings_form</c>, <c>occ_command</c>, <c>talk_bot</c>, <c>task_processing_provider</c>,
    /// <c>events_listener</c> or <c>setup_check</c>.</summary>
    public required string Kind { get; init; }
    /// <summary>What identifies the registration within the app and kind (for a script: type, name, path).</summary>
    public required IReadOnlyList<string> Key { get; init; }
    /// <summary>The registration as the admin API shows it, as JSON text (never a secret).</summary>
    public required string Data { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
