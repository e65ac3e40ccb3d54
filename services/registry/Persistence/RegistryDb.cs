using Microsoft.EntityFrameworkCore;

namespace ExApps.Registry.Persistence;

/// <summary>The registry's tables. The schema itself is created by <see cref="RegistrySchema"/>'s SQL migrations,
/// so this model only maps names.</summary>
public sealed class RegistryDb(DbContextOptions<RegistryDb> options) : DbContext(options)
{
    public DbSet<DaemonRow> Daemons => Set<DaemonRow>();
    public DbSet<AppRow> Apps => Set<AppRow>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.HasDefaultSchema(RegistrySchema.Name);
        b.Entity<DaemonRow>(e =>
        {
            e.ToTable("daemons");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name");
            e.Property(x => x.DisplayName).HasColumnName("display_name");
            e.Property(x => x.AcceptsDeployId).HasColumnName("accepts_deploy_id");
            e.Property(x => x.Protocol).HasColumnName("protocol");
            e.Property(x => x.Host).HasColumnName("host");
            e.Property(x => x.DeployConfig).HasColumnName("deploy_config").HasColumnType("jsonb");
            e.Property(x => x.HaproxyPasswordEnc).HasColumnName("haproxy_password_enc");
            e.Property(x => x.IsDefault).HasColumnName("is_default");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });
        b.Entity<AppRow>(e =>
        {
            e.ToTable("apps");
            e.HasKey(x => x.AppId);
            e.Property(x => x.AppId).HasColumnName("appid");
            e.Property(x => x.Name).HasColumnName("name");
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.DaemonName).HasColumnName("daemon_name");
            e.Property(x => x.Port).HasColumnName("port");
            e.Property(x => x.SecretEnc).HasColumnName("secret_enc");
            e.Property(x => x.Enabled).HasColumnName("enabled");
            e.Property(x => x.Status).HasColumnName("status").HasColumnType("jsonb");
            e.Property(x => x.Info).HasColumnName("info").HasColumnType("jsonb");
            e.Property(x => x.Routes).HasColumnName("routes").HasColumnType("jsonb");
            e.Property(x => x.DeployOptions).HasColumnName("deploy_options").HasColumnType("jsonb");
            e.Property(x => x.CreatedTime).HasColumnName("created_time");
            e.Property(x => x.RegistrationId).HasColumnName("registration_id");
            e.Property(x => x.StatusSeq).HasColumnName("status_seq");
            e.Property(x => x.Operation).HasColumnName("operation").HasColumnType("jsonb");
            e.Property(x => x.LastOperation).HasColumnName("last_operation").HasColumnType("jsonb");
            e.Property(x => x.RequestedOperation).HasColumnName("requested_operation").HasColumnType("jsonb");
            e.Property(x => x.Health).HasColumnName("health").HasColumnType("jsonb");
            e.Property(x => x.DeployDetail).HasColumnName("deploy_detail").HasColumnType("jsonb");
        });
    }
}
