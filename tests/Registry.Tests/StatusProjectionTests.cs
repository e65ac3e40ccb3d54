using ExApps.Registry.Status;

namespace ExApps.Registry.Tests;

public sealed class StatusProjectionTests
{
    [Fact]
    public void Deploy_zero_starts_deploy_action_stamps_time_and_clears_error()
    {
        var s = new AppStatus { Error = "old" };
        Assert.True(StatusProjection.ApplyDeployProgress(s, 0, 1234));
        Assert.Equal(("deploy", 1234L, ""), (s.Action, s.DeployStartTime, s.Error));
    }

    [Fact]
    public void Deploy_hundred_moves_to_healthcheck_and_later_progress_is_ignored()
    {
        var s = new AppStatus();
        StatusProjection.ApplyDeployProgress(s, 100, 1);
        Assert.Equal("healthcheck", s.Action);
        Assert.False(StatusProjection.ApplyDeployProgress(s, 40, 2));
        Assert.Equal(100, s.Deploy);
    }

    [Fact]
    public void Init_hundred_clears_action_and_type_and_later_progress_is_ignored()
    {
        var s = new AppStatus { Type = "install" };
        StatusProjection.ApplyInitProgress(s, 0, "", 10);
        Assert.Equal(("init", 10L), (s.Action, s.InitStartTime));
        StatusProjection.ApplyInitProgress(s, 100, "", 11);
        Assert.Equal(("", ""), (s.Action, s.Type));
        Assert.False(StatusProjection.ApplyInitProgress(s, 50, "", 12));
        Assert.Equal(100, s.Init);
    }

    [Fact]
    public void Init_report_with_error_only_sets_the_error()
    {
        var s = new AppStatus { Init = 30, Action = "init" };
        StatusProjection.ApplyInitProgress(s, 60, "model download failed", 5);
        Assert.Equal((30, "init", "model download failed"), (s.Init, s.Action, s.Error));
    }

    [Fact]
    public void New_install_status_matches_the_spec()
    {
        var s = AppStatus.NewInstall();
        Assert.Equal("""{"deploy":0,"init":0,"action":"","type":"install","error":"","deploy_start_time":0,"init_start_time":0,"heartbeat_count":0}""", s.ToJson());
    }
}
