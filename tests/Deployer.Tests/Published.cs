using MassTransit.Testing;

namespace ExApps.Deployer.Tests;

internal static class Published
{
    /// <summary>The messages published so far, in order, without waiting for the harness to go quiet.</summary>
    public static IReadOnlyList<object> SoFar(this IPublishedMessageList list)
    {
        using var now = new CancellationTokenSource();
        now.Cancel();
        return list.Select(_ => true, now.Token).Select(m => m.MessageObject).ToList();
    }
}
