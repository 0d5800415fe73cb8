using CallCampaigns.Domain;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// What a dial's answer did to its campaign: slots freed, how long the campaign holds its dials, and the news of the
/// webhooks that came before the answer and were applied with it.
/// </summary>
public sealed record DialEffect(int Released, DateTimeOffset? HoldUntil = null, CallNews? News = null)
{
    public static DialEffect None { get; } = new(0);

    /// <summary>Whether the campaign must look at its queue now (a slot freed, an item back in it, a hold).</summary>
    public bool WorthALook => Released > 0 || HoldUntil is not null || News?.WorthALook == true;
}

/// <summary>
/// A campaign's dials as Bolna answers them (or a search of its executions does): a placed call is recorded; a
/// refused contact fails its item; a refusal that concerns the campaign or the account, or
/// <see cref="EngineOptions.PauseAfterDialErrors"/> refusals in a row, pause the campaign with the reason and put the
/// item back uncounted; a lost answer keeps the slot (the call may be live) until a search says what happened.
/// Used only from inside the campaign's grain.
/// </summary>
public sealed class DialAnswers(
    QueueStore queue, CampaignStore campaigns, CallApplier applier, EngineClock time, IOptions<EngineOptions> options, ILogger<DialAnswers> logger)
{
    public async Task<DialEffect> AnsweredAsync(Campaign campaign, DialRequest request, DialResult result)
    {
        var now = time.GetUtcNow();
        var at = UnixMs.From(now);
        switch (result.Outcome)
        {
            case DialOutcome.Accepted:
                KillPoints.Reached(KillPoints.DialBeforeRecord);
                var news = await RecordPlacedCallAsync(campaign.Id, request.ItemId, request.Attempt, result.ExecutionId!, UnixMs.From(now + options.Value.StaleCallAfter));
                if (campaign.DialErrorsInRow > 0) await campaigns.CountDialErrorAsync(campaign.Id, refused: false);
                return new DialEffect(0, News: news);
            case DialOutcome.Rejected:
                logger.LogWarning("Campaign {CampaignId} item {ItemId} dial rejected: {Reason}", campaign.Id, request.ItemId, result.Reason);
                var inRow = await campaigns.CountDialErrorAsync(campaign.Id, refused: true);
                if (inRow >= options.Value.PauseAfterDialErrors)
                {
                    // So many refusals in a row are not the contacts' fault: this one goes back, and the campaign waits for a fix.
                    return await PauseAsync(campaign, request, $"{inRow} dials in a row were refused; the last: {result.Reason}", now);
                }

                return new DialEffect(await queue.RecordDialRejectedAsync(campaign.Id, request.ItemId, request.Attempt, "dial-rejected", result.Reason ?? "rejected", now) ? 1 : 0);
            case DialOutcome.CampaignRefused:
                return await PauseAsync(campaign, request, result.Reason ?? "Bolna refused the campaign's dials", now);
            case DialOutcome.RateLimited:
                // No call was placed: the item keeps its place, and the whole campaign waits before dialling again.
                var until = now + (result.RetryAfter ?? options.Value.RateLimitBackoff);
                logger.LogWarning("Campaign {CampaignId} holds its dials until {Until}: {Reason}", campaign.Id, until, result.Reason);
                return new DialEffect(await queue.ReturnToQueueAsync(campaign.Id, request.ItemId, request.Attempt, null, at) ? 1 : 0, until);
            case DialOutcome.Withdrawn:
                logger.LogInformation("Campaign {CampaignId} item {ItemId} not dialled: {Reason}", campaign.Id, request.ItemId, result.Reason);
                return new DialEffect(await queue.ReturnToQueueAsync(campaign.Id, request.ItemId, request.Attempt, null, at) ? 1 : 0);
            default:
                // The call may have been placed: keep its slot, and have the reconciler search for it soon.
                logger.LogWarning("Campaign {CampaignId} item {ItemId}: dial outcome unknown ({Reason})", campaign.Id, request.ItemId, result.Reason);
                await queue.MarkDialUnknownAsync(request.ItemId, request.Attempt, at, UnixMs.From(now + options.Value.UnknownDialCheckAfter));
                return DialEffect.None;
        }
    }

    /// <summary>What a search for an unanswered dial's call found.</summary>
    public async Task<DialEffect> ResolvedAsync(long campaignId, long itemId, int attempt, DialResolution resolution)
    {
        if (resolution.ExecutionId is { } executionId)
        {
            logger.LogInformation("Campaign {CampaignId} item {ItemId}: the unanswered dial placed call {ExecutionId}", campaignId, itemId, executionId);
            return new DialEffect(0, News: await RecordPlacedCallAsync(campaignId, itemId, attempt, executionId, leaseExpiresAt: null));
        }

        if (!resolution.PlacedNoCall)
        {
            logger.LogInformation("Campaign {CampaignId} item {ItemId}: still unsure whether the dial placed a call ({Problem}); its slot stays held", campaignId, itemId, resolution.Problem);
            return DialEffect.None;
        }

        logger.LogInformation("Campaign {CampaignId} item {ItemId}: the unanswered dial placed no call; it goes back to the queue", campaignId, itemId);
        return new DialEffect(await queue.ReturnToQueueAsync(campaignId, itemId, attempt, null, UnixMs.From(time.GetUtcNow()), lostAnswerOnly: true) ? 1 : 0);
    }

    /// <summary>
    /// Records the execution a dial placed, then applies at once the webhooks that came for it before (often the
    /// line's end, when Bolna answers the dial late): their news returns to this campaign's turn, so a freed slot is
    /// handed on without waiting for a worker and another grain call. An execution another item already has is not
    /// this item's call. A dial's own answer gives the call's lease its full <see cref="EngineOptions.StaleCallAfter"/>;
    /// a call a search found keeps the lease's expiry, so it is looked up again soon.
    /// </summary>
    private async Task<CallNews?> RecordPlacedCallAsync(long campaignId, long itemId, int attempt, string executionId, long? leaseExpiresAt)
    {
        if (await queue.RecordDialAcceptedAsync(campaignId, itemId, attempt, executionId, UnixMs.From(time.GetUtcNow()), leaseExpiresAt))
        {
            return await applier.ApplyNowAsync(campaignId, executionId);
        }

        logger.LogWarning("Campaign {CampaignId} item {ItemId}: call {ExecutionId} is another item's; not adopted", campaignId, itemId, executionId);
        return null;
    }

    private async Task<DialEffect> PauseAsync(Campaign campaign, DialRequest request, string reason, DateTimeOffset at)
    {
        logger.LogError("Campaign {CampaignId} paused: {Reason}", campaign.Id, reason);
        var released = await queue.ReturnToQueueAsync(campaign.Id, request.ItemId, request.Attempt, null, UnixMs.From(at)) ? 1 : 0;
        if (campaign.Status is CampaignStatus.Active or CampaignStatus.Scheduled)
        {
            await campaigns.SetStatusAsync(campaign.Id, CampaignStatus.Paused, reason, at);
        }

        await campaigns.CountDialErrorAsync(campaign.Id, refused: false);
        return new DialEffect(released);
    }
}
