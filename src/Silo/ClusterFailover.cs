using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Slots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CallCampaigns.Silo;

/// <summary>
/// Follows the cluster's membership on every node. When a node is declared dead (killed, or stopped and gone), the
/// survivors take its work over at once rather than at the next safety-net reminder: the calls it had in flight are
/// looked up at Bolna (their leases are kept: the calls may be live), slots it was granted but never used are
/// reclaimed, and every running campaign is woken so that those the dead node ran activate here and tell their
/// demand again. On start, the calls an earlier process of this node left in flight are looked up the same way.
/// The node's share of Bolna's dial rate follows the number of nodes and its rank among them.
/// </summary>
internal sealed class ClusterFailover(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGrainFactory grains,
    CampaignStore campaigns,
    SlotLeaseStore leases,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    EngineClock time,
    ILogger<ClusterFailover> logger) : BackgroundService
{
    /// <summary>A slot granted this long ago and still unused when a node dies is taken back (its holder may be gone).</summary>
    private static readonly TimeSpan UnboundGrace = TimeSpan.FromSeconds(2);

    private readonly HashSet<SiloAddress> _dead = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rate = services.GetService<BolnaCallRate>();
        var snapshot = membership.CurrentSnapshot;
        ShareRate(rate, snapshot);
        Remember(snapshot);
        await WhenStartedAsync(stoppingToken);
        snapshot = membership.CurrentSnapshot;
        ShareRate(rate, snapshot);
        await TakeOverAsync(snapshot, Remember(snapshot), stoppingToken);

        try
        {
            await foreach (var update in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                if (update.Version <= snapshot.Version) continue;
                snapshot = update;
                ShareRate(rate, snapshot);
                var died = Remember(snapshot);
                if (died.Count > 0) await TakeOverAsync(snapshot, died, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>This node's share of Bolna's rate: by the number of live nodes and its rank among them (ordered by address).</summary>
    private void ShareRate(BolnaCallRate? rate, ClusterMembershipSnapshot snapshot)
    {
        if (rate is null) return;
        var self = local.SiloAddress.ToParsableString();
        var others = snapshot.Members.Values.Where(m => IsLive(m.Status) && !m.SiloAddress.Equals(local.SiloAddress))
            .Select(m => m.SiloAddress.ToParsableString()).ToArray();
        rate.ShareAmong(others.Length + 1, others.Count(other => string.CompareOrdinal(other, self) < 0));
    }

    private static bool IsLive(SiloStatus status) => status is not (SiloStatus.Dead or SiloStatus.None);

    /// <summary>The silos newly seen dead.</summary>
    private List<SiloAddress> Remember(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && _dead.Add(m.SiloAddress)).Select(m => m.SiloAddress).ToList();

    private async Task TakeOverAsync(ClusterMembershipSnapshot snapshot, IReadOnlyList<SiloAddress> died, CancellationToken stoppingToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var live = snapshot.Members.Values.Where(m => IsLive(m.Status)).Select(m => m.SiloAddress.ToParsableString()).ToArray();
            // Due a millisecond ago, so that the reconciler's tick just below sees them expired.
            var orphans = await leases.ExpireOrphansAsync(live, UnixMs.From(now) - 1);
            var reclaimed = died.Count > 0 ? await leases.ReclaimUnboundAsync(UnixMs.From(now - UnboundGrace)) : [];
            if (died.Count > 0 || orphans > 0)
            {
                logger.LogWarning(
                    "Taking over from {Silos}: {Orphans} calls in flight to look up, {Reclaimed} unused slots reclaimed",
                    died.Count > 0 ? string.Join(", ", died) : "an earlier process of this node", orphans, reclaimed.Count);
            }

            if (orphans > 0) await grains.GetGrain<ICallReconcilerGrain>(ICallReconcilerGrain.Key).Tick();
            if (died.Count == 0) return; // at start the heartbeat wakes every running campaign
            await WakeRunningCampaignsAsync(stoppingToken);
            await RecountAsync(reclaimed);
            // Slots granted in the moments before the death may have gone to the dead node's grains (a grant is sent
            // one-way): once a live holder would have used them, whatever is still unused from before is taken back.
            await Task.Delay(UnboundGrace, stoppingToken);
            var late = await leases.ReclaimUnboundAsync(UnixMs.From(now));
            if (late.Count > 0) logger.LogWarning("Took back {Count} more slots granted before the death and never used", late.Count);
            await RecountAsync(late);
            await grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).Tick();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Taking over after a membership change failed; the heartbeat and the reminders will catch up");
        }
    }

    /// <summary>The users whose slots were taken back count their calls again and ask for what their campaigns want.</summary>
    private async Task RecountAsync(IReadOnlyList<string> users)
    {
        foreach (var userId in users.Distinct()) await grains.GetGrain<IUserGrain>(IUserGrain.KeyOf(userId)).SlotsReclaimed();
    }

    /// <summary>Wakes every running campaign; a wake that fails (the directory still names the dead node) is tried again.</summary>
    private async Task WakeRunningCampaignsAsync(CancellationToken stoppingToken)
    {
        IReadOnlyCollection<long> pending = await campaigns.ListRunningIdsAsync();
        for (var round = 0; round < 5 && pending.Count > 0; round++)
        {
            if (round > 0) await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            var failed = new System.Collections.Concurrent.ConcurrentBag<long>();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken }, async (id, _) =>
            {
                try
                {
                    await grains.GetGrain<ICampaignGrain>(id).Wake();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed.Add(id);
                }
            });
            pending = failed;
        }

        if (pending.Count > 0) logger.LogWarning("{Count} campaigns could not be woken; their reminders will wake them", pending.Count);
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }
}
