namespace ExApps.AppStore.Accounts;

/// <summary>A rate in the real store's (Django REST framework's) form: <c>100/day</c>, <c>5/minute</c>; the period
/// is read from its first letter (s, m, h, d).</summary>
public sealed record ThrottleRate(int Requests, TimeSpan Period)
{
    public static bool TryParse(string? text, out ThrottleRate rate)
    {
        rate = null!;
        var parts = text?.Split('/') ?? [];
        if (parts.Length != 2 || !int.TryParse(parts[0], out var n) || n < 0 || parts[1].Length == 0) return false;
        TimeSpan? period = char.ToLowerInvariant(parts[1][0]) switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => null,
        };
        if (period is null) return false;
        rate = new ThrottleRate(n, period.Value);
        return true;
    }
}
