using CallCampaigns.Bolna;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Sends dial requests and look-ups to Bolna (or the simulator) outside any campaign's turn. Stateless and
/// reentrant: one activation keeps many requests in flight.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class DialerGrain(IDialer dialer, CallReports reports, ILogger<DialerGrain> logger) : Grain, IDialerGrain
{
    async Task IDialerGrain.Dial(DialRequest request)
    {
        DialResult result;
        try
        {
            result = await dialer.DialAsync(request, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Dial for campaign {CampaignId} item {ItemId} failed unexpectedly", request.CampaignId, request.ItemId);
            result = DialResult.Failed(DialOutcome.Unknown, e.Message);
        }

        var outcome = new KeyValuePair<string, object?>("outcome", result.Outcome.ToString());
        EngineMetrics.Dials.Add(1, outcome);
        if (result.Outcome != DialOutcome.Accepted) EngineMetrics.DialErrors.Add(1, outcome);
        await GrainFactory.GetGrain<ICampaignGrain>(request.CampaignId).DialAnswered(request, result);
    }

    async Task IDialerGrain.Resolve(DialRequest request, DateTimeOffset dialledAt)
    {
        try
        {
            var executionId = await dialer.FindExecutionAsync(request.AgentId, request.PhoneNumber, dialledAt, CancellationToken.None);
            await GrainFactory.GetGrain<ICampaignGrain>(request.CampaignId).DialResolved(request.ItemId, request.Attempt, executionId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not search for the call to item {ItemId}; it will be tried again", request.ItemId);
        }
    }

    async Task IDialerGrain.LookUp(long campaignId, string executionId)
    {
        try
        {
            // The answer goes through the inbox like a webhook: applied in order with the call's other reports.
            if (await dialer.LookupAsync(executionId, CancellationToken.None) is { } execution)
            {
                await reports.ReceiveAsync(execution, Ledger.Calls.NewDelivery.Lookup);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning("Look-up of call {ExecutionId} of campaign {CampaignId} failed; it will be tried again: {Error}", executionId, campaignId, e.Message);
        }
    }
}
