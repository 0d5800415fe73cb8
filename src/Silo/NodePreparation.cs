using CallCampaigns.Domain;
using CallCampaigns.Domain.Contacts;
using CallCampaigns.Ledger.Imports;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Silo;

/// <summary>
/// Runs before the silo starts: applies the schemas (the clustering tables must exist before the silo joins),
/// writes the default system limit once, creates the demo user when there is one, and loads the phone number rules.
/// A single node also marks the imports its previous run left running as failed: that run died before they joined.
/// </summary>
internal sealed class NodePreparation(
    LedgerMigrator migrator,
    UserStore users,
    ImportStore imports,
    NodeMode mode,
    NodeSecrets secrets,
    IOptions<StorageOptions> storage,
    IOptions<LimitsOptions> limits,
    EngineClock time,
    ILogger<NodePreparation> logger) : IHostedService
{
    public const string DemoUserId = NodePreparationInfo.DemoUserId;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var numbers = Task.Run(PhoneNumberRules.Warm, cancellationToken);
        if (Grains.KillPoints.Description is { } killAt)
        {
            logger.LogWarning("This node kills itself at {KillPoint} ({Variable}): a fault injection for failover tests only", killAt, Grains.KillPoints.Variable);
        }

        if (storage.Value.MigrateOnStart) await migrator.MigrateAsync(cancellationToken);
        var now = UnixMs.From(time.GetUtcNow());
        await users.EnsureSystemSettingsAsync(limits.Value.SystemConcurrency, now);
        if (!mode.IsCluster && await imports.FailAllRunningAsync(now) is > 0 and var abandoned)
        {
            logger.LogWarning("Marked {Imports} imports failed: the node stopped before they joined", abandoned);
        }

        if (secrets.DemoUserKey is { } demoKey && await users.GetAsync(DemoUserId) is null)
        {
            await users.CreateAsync(DemoUserId, "Demo user", limits.Value.DefaultUserConcurrency, NodeSecrets.Hash(demoKey), now);
            logger.LogInformation("Created the demo user {UserId}", DemoUserId);
        }

        await numbers;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Facts about what a starting node prepares.</summary>
public static class NodePreparationInfo
{
    /// <summary>The id of the ready-made demo user of the embedded default.</summary>
    public const string DemoUserId = "demo";
}
