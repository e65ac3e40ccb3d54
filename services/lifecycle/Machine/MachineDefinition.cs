namespace ExApps.Lifecycle.Machine;

/// <summary>One line of a transition table: what a message does in a step.</summary>
public sealed record Rule(Type Message, Action<Transition, object> Then);

/// <summary>The shape of <see cref="AppOperationMachine"/>, modelled on MassTransit's state machines: rules for an
/// app the lifecycle does not know yet (<see cref="Initially"/>), per step (<see cref="During"/>), and in any
/// step (<see cref="DuringAny"/>, consulted when the step has no rule for the message). A message with no rule
/// changes nothing: that is how late, duplicate and out-of-order messages are dropped, on purpose.</summary>
public abstract class MachineDefinition
{
    private const string Unknown = "(none)";
    private readonly Dictionary<(string Step, Type Message), Rule> _rules = [];
    private readonly Dictionary<Type, Rule> _any = [];

    protected void Initially(params Rule[] rules) => During(Unknown, rules);

    protected void During(string step, params Rule[] rules)
    {
        foreach (var rule in rules)
            if (!_rules.TryAdd((step, rule.Message), rule))
                throw new InvalidOperationException($"Two rules for {rule.Message.Name} during {step}.");
    }

    protected void DuringAny(params Rule[] rules)
    {
        foreach (var rule in rules)
            if (!_any.TryAdd(rule.Message, rule))
                throw new InvalidOperationException($"Two rules for {rule.Message.Name} in any step.");
    }

    protected static Rule On<T>(Action<Transition, T> then) => new(typeof(T), (t, m) => then(t, (T)m));

    /// <summary>The rule for <paramref name="message"/> in <paramref name="step"/> (null: an app not known yet).</summary>
    public Rule? Find(string? step, object message)
    {
        var type = message.GetType();
        if (_rules.TryGetValue((step ?? Unknown, type), out var rule)) return rule;
        return step is null ? null : _any.GetValueOrDefault(type);
    }

    /// <summary>Every (step, message) pair with a rule, for documentation and tests.</summary>
    public IEnumerable<(string Step, Type Message)> Declared() =>
        _rules.Keys.Concat(_any.Keys.Select(t => ("*", t)));
}
