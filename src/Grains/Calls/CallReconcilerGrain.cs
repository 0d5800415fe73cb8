using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Slots;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Calls whose slot lease ran out without news: looks them up (through the dialer, outside this turn) and
/// extends their lease meanwhile; a dial whose request never got an answer fails its item without a second dial.
/// </summary>
public sealed class CallReconcilerGrain(SlotLeaseStore leases, TimeProvider time, IOptions<EngineOptions> options)
    : Grain, ICallReconcilerGrain
{
    async Task ICallReconcilerGrain.Tick()
    {
        var now = time.GetUtcNow();
        foreach (var lease in await leases.ExpiredAsync(UnixMs.From(now), UnixMs.From(now + options.Value.StaleCallAfter)))
        {
            if (lease.ExecutionId is { } executionId)
            {
                await GrainFactory.GetGrain<IDialerGrain>(0).LookUp(lease.CampaignId, executionId);
            }
            else
            {
                await GrainFactory.GetGrain<ICampaignGrain>(lease.CampaignId).ResolveUnknownDial(
                    lease.ItemId, lease.Attempt, "No answer to the dial request; not dialled again to avoid calling twice");
            }
        }
    }
}
