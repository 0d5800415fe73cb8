using CallCampaigns.Domain;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Rules;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Forecasts;

/// <summary>
/// A queued item's place: when it should be called, and why it waits; <c>TimeZone</c> is the contact's zone (the first
/// when the number spans several; null when unknown), the one a person reads the reason's until in.
/// </summary>
public sealed record ItemForecast(int Position, DateTimeOffset? EstimatedCallAt, WaitingReason Reason, string? TimeZone = null);

/// <summary>
/// Estimates for the people in a campaign's queue and for the campaign's end: the dispatch replayed ahead of time
/// (<see cref="DispatchSimulation"/>: whole slots in round robin between users and between a user's campaigns, the
/// dial gate per item) from what the ledger says now: the limits, the slots in use, the running campaigns and the
/// heads of their queues, how long calls take.
/// </summary>
public sealed class CampaignForecasts(ForecastStore store, CallingRuleBook rules, EngineClock time, IOptions<ApiDefaults> defaults)
{
    /// <summary>Running campaigns read at most (the campaign's own user's first): more compete only on a very busy system.</summary>
    private const int MaxCampaigns = 200;

    /// <summary>Other campaigns whose head of queue is read; those beyond are replayed as queues of unknown contacts.</summary>
    private const int MaxHeads = 40;

    /// <summary>
    /// How many of the campaign's own items the completion replays; a longer queue is extrapolated from them at the
    /// replay's pace (<see cref="CompletionEstimate"/>).
    /// </summary>
    private const int CompletionHead = 1_000;

    /// <summary>The head read of another campaign: about as many as the listing needs of this one, within bounds.</summary>
    private const int MinOtherHead = 50;
    private const int MaxOtherHead = 500;

    /// <summary>When the campaign's last call should end; null when nothing is left, or it is paused or final.</summary>
    public async Task<DateTimeOffset?> CompletionAsync(Campaign campaign)
    {
        if (campaign.Status is not (CampaignStatus.Active or CampaignStatus.Scheduled)) return null;
        if (campaign.QueuedCount == 0 && campaign.InProgressCount == 0) return null;
        var now = time.GetUtcNow();
        var (inputs, callLength) = await ReadAsync(campaign);
        var callingRules = await rules.CurrentAsync();
        var competition = await store.CompetitionAsync(campaign.UserId, MaxCampaigns, campaign.Id, CompletionHead, MinOtherHead, MaxHeads);
        var head = Contenders.InDispatchOrder(competition.Heads.GetValueOrDefault(campaign.Id) ?? []);
        var outcome = Replay(campaign, inputs, head, competition, callingRules, callLength, now);
        var run = outcome.Campaigns[campaign.Id];
        var behind = run.Exhausted ? campaign.QueuedCount - head.Count : campaign.QueuedCount - run.Dialled;
        var latestHold = new[] { inputs.LastNotBefore, inputs.LastHeldUntil }.Max();
        return CompletionEstimate.From(run, behind, callLength, SlotWindow(campaign), UnixMs.ToTime(latestHold));
    }

    /// <summary>
    /// The forecast of each of the first <paramref name="count"/> queued items, by id, in dispatch order as at
    /// <paramref name="now"/> (the moment the listing was read at, so both agree on what is due).
    /// </summary>
    public async Task<IReadOnlyDictionary<long, ItemForecast>> QueueAsync(Campaign campaign, int count, DateTimeOffset now)
    {
        var queued = await store.QueuedAsync(campaign.Id, UnixMs.From(now), count);
        if (queued.Count == 0) return new Dictionary<long, ItemForecast>();
        var (inputs, callLength) = await ReadAsync(campaign);
        var callingRules = await rules.CurrentAsync();
        var running = campaign.Status is CampaignStatus.Active or CampaignStatus.Scheduled;
        IReadOnlyDictionary<long, DateTimeOffset> starts = new Dictionary<long, DateTimeOffset>();
        if (running)
        {
            var otherHead = Math.Clamp(count, MinOtherHead, MaxOtherHead);
            var competition = await store.CompetitionAsync(campaign.UserId, MaxCampaigns, campaign.Id, 0, otherHead, MaxHeads);
            starts = Replay(campaign, inputs, Contenders.InDispatchOrder(queued), competition, callingRules, callLength, now).Starts;
        }

        var waiting = new WaitingContext(campaign.Status, campaign.Window, now, inputs.UserInUse, inputs.UserLimit, inputs.SystemInUse, inputs.SystemLimit);
        var terms = campaign.Terms;
        var result = new Dictionary<long, ItemForecast>(queued.Count);
        var due = 0;
        for (var i = 0; i < queued.Count; i++)
        {
            var item = queued[i];
            var clock = item.Clock();
            var reason = DialGate.Standard.Decide(new DialSubject(terms, clock, UnixMs.ToTime(item.ScheduledFor), item.Attempts, callingRules, CappedUntil: item.Capped()), now) switch
            {
                GateAnswer.Wait wait => new WaitingReason(wait.Code, wait.Text, wait.Until),
                GateAnswer.End => new WaitingReason(WaitingReason.WindowClosed, "No calling window is left before the end date.", null),
                _ => waiting.ForSlot(due++),
            };
            DateTimeOffset? estimate = starts.TryGetValue(item.Id, out var start) ? start : null;
            result[item.Id] = new ItemForecast(i + 1, estimate, reason, ZoneOf(clock));
        }

        return result;
    }

    private static DispatchOutcome Replay(
        Campaign campaign, ForecastInputs inputs, IReadOnlyList<QueuedSlot> items, Competition competition,
        IReadOnlyList<CallingRule> callingRules, TimeSpan callLength, DateTimeOffset now)
    {
        var users = Contenders.From(competition, (campaign, inputs.UserLimit, items), callingRules, callLength);
        return DispatchSimulation.Run(inputs.SystemLimit, users, now, campaign.Id);
    }

    /// <summary>When the campaign's slots may be busy: its window, or around the clock when each contact's clock reads it.</summary>
    private static CallWindow SlotWindow(Campaign campaign)
    {
        var window = campaign.Window;
        return campaign.OnContactsClock ? window with { FirstCallTime = TimeOnly.MinValue, LastCallTime = TimeOnly.MinValue } : window;
    }

    private static string? ZoneOf(ContactClock clock) => clock.TimeZones.Count > 0 ? clock.TimeZones[0] : null;

    private async Task<(ForecastInputs Inputs, TimeSpan CallLength)> ReadAsync(Campaign campaign)
    {
        var inputs = await store.InputsAsync(campaign.Id, campaign.UserId);
        return (inputs, TimeSpan.FromSeconds(inputs.AverageCallSeconds ?? defaults.Value.AssumedCallSeconds));
    }
}
