using CallCampaigns.Domain;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Slots;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Calls whose slot lease ran out without news, and calls whose line ended without Bolna's final data: looks them
/// up (through the dialer, outside this turn; the answers go through the inbox), extending the leases meanwhile. A dial whose request never got an answer, or a call with no news for longer
/// than any call lasts, fails its item and frees its slot, without a second dial.
/// </summary>
public sealed class CallReconcilerGrain(SlotLeaseStore leases, QueueStore queue, EngineClock time, IOptions<EngineOptions> options)
    : Grain, ICallReconcilerGrain
{
    async Task ICallReconcilerGrain.Tick()
    {
        var now = time.GetUtcNow();
        await LookForFinalDataAsync(now);
        foreach (var lease in await leases.ExpiredAsync(UnixMs.From(now), UnixMs.From(now + options.Value.StaleCallAfter)))
        {
            EngineMetrics.LeaseExpiries.Add(1);
            if (now - UnixMs.ToTime(lease.GrantedAt) > options.Value.MaxCallDuration)
            {
                await GrainFactory.GetGrain<ICampaignGrain>(lease.CampaignId).GiveUpCall(
                    lease.ItemId, lease.Attempt, $"No news of this call for {options.Value.MaxCallDuration}; its slot was freed");
            }
            else if (lease.ExecutionId is { } executionId)
            {
                await GrainFactory.GetGrain<IDialerGrain>(0).LookUp(lease.CampaignId, executionId);
            }
            else if (lease.AgentId is { } agentId && lease.PhoneNumber is { } phone)
            {
                var request = new DialRequest(lease.CampaignId, lease.ItemId, lease.Attempt, agentId, phone, null, new Dictionary<string, string>());
                await GrainFactory.GetGrain<IDialerGrain>(0).Resolve(request, UnixMs.ToTime(lease.DialledAt ?? lease.GrantedAt));
            }
        }
    }

    /// <summary>Calls whose line ended without Bolna's final data: looked up, and the answer applied like a webhook.</summary>
    private async Task LookForFinalDataAsync(DateTimeOffset now)
    {
        var due = await queue.CallsAwaitingFinalDataAsync(
            UnixMs.From(now), (long)options.Value.FinalDataCheckAfter.TotalMilliseconds, (long)options.Value.MaxCallDuration.TotalMilliseconds, 200);
        foreach (var (executionId, campaignId) in due) await GrainFactory.GetGrain<IDialerGrain>(0).LookUp(campaignId, executionId);
    }
}
