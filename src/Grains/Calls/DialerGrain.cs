using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Sends dial requests and look-ups to Bolna (or the simulator) outside any campaign's turn. Stateless and
/// reentrant: one activation keeps many requests in flight.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class DialerGrain(
    IDialer dialer, CallReports reports, QueueStore queue, EngineClock time, IOptions<BolnaOptions> bolna, ILogger<DialerGrain> logger)
    : Grain, IDialerGrain
{
    /// <summary>How far Bolna's clock may be from ours when the dial's window is read in its executions.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    async Task IDialerGrain.Dial(DialRequest request)
    {
        DialResult result;
        try
        {
            result = await dialer.DialAsync(request, () => WhyNotAsync(request), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Dial for campaign {CampaignId} item {ItemId} failed unexpectedly", request.CampaignId, request.ItemId);
            result = DialResult.Failed(DialOutcome.Unknown, e.Message);
        }

        var outcome = new KeyValuePair<string, object?>("outcome", result.Outcome.ToString());
        EngineMetrics.Dials.Add(1, outcome);
        if (result.Outcome != DialOutcome.Accepted) EngineMetrics.DialErrors.Add(1, outcome);
        // The answer must reach the campaign even while the ledger is away for a moment (a PostgreSQL restart): a call
        // placed but never recorded would hold its slot, unmatched, until StaleCallAfter.
        for (var tries = 1; ; tries++)
        {
            try
            {
                await GrainFactory.GetGrain<ICampaignGrain>(request.CampaignId).DialAnswered(request, result);
                return;
            }
            catch (Exception e) when (tries < 40)
            {
                logger.LogWarning("Campaign {CampaignId} item {ItemId}: the dial's answer could not be recorded, trying again: {Error}", request.CampaignId, request.ItemId, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(tries, 3)));
            }
        }
    }

    /// <summary>
    /// Why a dial that waited for its turn must not be sent after all: the campaign no longer runs or its window
    /// closed, the item is no longer dialing this attempt, its slot is gone, its answer was already given up for lost
    /// (<see cref="EngineOptions.DialAnswerTimeout"/>), or its contact was deleted. Null: send it.
    /// </summary>
    private async Task<string?> WhyNotAsync(DialRequest request)
    {
        var (check, campaign) = await queue.DialCheckAsync(request.ItemId, request.Attempt);
        if (check is null || check.Status != ItemStatus.Dialing || check.Attempts != request.Attempt) return "the item is no longer being dialled";
        if (check.ContactId is null) return "its contact was deleted";
        if (!check.LeaseHeld) return "its call slot is no longer held";
        if (check.DialUnknownAt is not null) return "its answer was given up for lost; a search of Bolna's executions settles it";
        if (campaign is null || campaign.Status != CampaignStatus.Active) return $"the campaign is {campaign?.Status ?? "gone"}";
        // On each contact's clock the gate has just read the window in the contact's zones, not the campaign's.
        return campaign.OnContactsClock || campaign.Window.IsOpenAt(time.GetUtcNow()) ? null : "the campaign's calling window closed";
    }

    async Task IDialerGrain.Stop(IReadOnlyList<string> executionIds)
    {
        foreach (var executionId in executionIds)
        {
            if (!await dialer.StopAsync(executionId, CancellationToken.None)) logger.LogInformation("Call {ExecutionId} could not be stopped (it may have started)", executionId);
        }
    }

    async Task IDialerGrain.GiveUp(long campaignId, long itemId, int attempt, string? executionId, string outcome, string reason)
    {
        // A call Bolna still holds in its queue could start later, over the limits: stop it before its slot is reused.
        if (executionId is not null) await dialer.StopAsync(executionId, CancellationToken.None);
        await GrainFactory.GetGrain<ICampaignGrain>(campaignId).GiveUpCall(itemId, attempt, outcome, reason);
    }

    async Task IDialerGrain.Resolve(DialRequest request, DateTimeOffset dialledAt, DateTimeOffset? answeredAt)
    {
        // The call, if any, was created while the request was with Bolna: between the dial and its (lost) answer.
        var from = dialledAt - ClockSkew;
        var to = (answeredAt ?? dialledAt + bolna.Value.DialTimeout * 4) + ClockSkew;
        var search = await dialer.SearchExecutionsAsync(request.AgentId, request.PhoneNumber, from, to, CancellationToken.None);
        DialResolution resolution;
        try
        {
            // An execution another item already has is that item's call, never this one's.
            var unbound = await queue.UnboundExecutionsAsync(search.Matches);
            resolution = unbound.Count switch
            {
                1 => DialResolution.Found(unbound[0]),
                0 when search.Complete && to < time.GetUtcNow() => DialResolution.NoCall,
                0 => DialResolution.Unsure(search.Problem ?? "the dial's window is not over yet"),
                _ => DialResolution.Unsure($"{unbound.Count} calls to the number in the dial's window"),
            };
        }
        catch (Exception e)
        {
            resolution = DialResolution.Unsure($"the ledger could not be read: {e.Message}");
        }

        try
        {
            await GrainFactory.GetGrain<ICampaignGrain>(request.CampaignId).DialResolved(request.ItemId, request.Attempt, resolution);
        }
        catch (Exception e)
        {
            logger.LogWarning("Campaign {CampaignId} item {ItemId}: the search's answer was not delivered ({Error}); it will be searched again", request.CampaignId, request.ItemId, e.Message);
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
