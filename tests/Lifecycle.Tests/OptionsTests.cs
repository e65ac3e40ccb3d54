using Microsoft.Extensions.Options;

namespace ExApps.Lifecycle.Tests;

public sealed class OptionsTests : LifecycleTest
{
    [Theory]
    [InlineData("Lifecycle:HeartbeatInterval", "00:00:00")]
    [InlineData("Lifecycle:InitTimeout", "-00:01:00")]
    [InlineData("Lifecycle:MaxConcurrentSteps", "0")]
    [InlineData("Lifecycle:HeartbeatRound", "-00:00:01")]
    [InlineData("Lifecycle:HeartbeatFirstRound", "01:00:01")]
    [InlineData("Lifecycle:VisibleTimeout", "00:00:00")]
    public async Task Bad_setting_fails_the_start_and_names_the_setting(string key, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LifecycleTestHost.StartAsync((key, value)));

        Assert.Contains(key, error.Message);
    }
}
