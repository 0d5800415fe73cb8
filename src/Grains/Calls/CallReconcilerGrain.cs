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
    /// <summary>Searches for a dial's call back off to at most this far apart.</summary>
    private static readonly TimeSpan SearchAtMostEvery = TimeSpan.FromMinutes(5);

    async Task ICallReconcilerGrain.Tick()
    {
        var now = time.GetUtcNow();
        await LookForFinalDataAsync(now);
        var engine = options.Value;
        var expired = await leases.ExpiredAsync(
            UnixMs.From(now), UnixMs.From(now + engine.StaleCallAfter),
            (long)engine.UnknownDialCheckAfter.TotalMilliseconds, (long)SearchAtMostEvery.TotalMilliseconds, (long)engine.UnknownDialGiveUpAfter.TotalMilliseconds);
        foreach (var lease in expired)
        {
            EngineMetrics.LeaseExpiries.Add(1);
            var dialledAt = UnixMs.ToTime(lease.DialledAt ?? lease.GrantedAt);
            if (lease.ExecutionId is { } executionId)
            {
                if (now - UnixMs.ToTime(lease.GrantedAt) > engine.MaxCallDuration)
                {
                    await GrainFactory.GetGrain<IDialerGrain>(0).GiveUp(
                        lease.CampaignId, lease.ItemId, lease.Attempt, executionId, "no-news",
                        $"No news of this call for {engine.MaxCallDuration}; it was stopped and its slot freed");
                }
                else
                {
                    await GrainFactory.GetGrain<IDialerGrain>(0).LookUp(lease.CampaignId, executionId);
                }
            }
            else if (now - dialledAt > engine.UnknownDialGiveUpAfter)
            {
                await GrainFactory.GetGrain<IDialerGrain>(0).GiveUp(
                    lease.CampaignId, lease.ItemId, lease.Attempt, null, "dial-unknown",
                    $"Bolna never showed whether the dial placed a call within {engine.UnknownDialGiveUpAfter}; it was not dialled again");
            }
            else if (lease.AgentId is { } agentId && lease.PhoneNumber is { } phone)
            {
                var request = new DialRequest(lease.CampaignId, lease.ItemId, lease.Attempt, agentId, phone, null, new Dictionary<string, string>());
                await GrainFactory.GetGrain<IDialerGrain>(0).Resolve(request, dialledAt, UnixMs.ToTime(lease.DialUnknownAt));
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
