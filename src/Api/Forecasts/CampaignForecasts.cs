using CallCampaigns.Domain;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Concurrency;
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
/// Estimates for the people in a campaign's queue and for the campaign's end, from what the ledger says now (slots
/// in use and who competes for them, calls in flight, how long calls take) and the pure rules that model dispatch.
/// </summary>
public sealed class CampaignForecasts(ForecastStore store, CallingRuleBook rules, EngineClock time, IOptions<ApiDefaults> defaults)
{
    /// <summary>When the campaign's last call should end; null when nothing is left, or it is paused or final.</summary>
    public async Task<DateTimeOffset?> CompletionAsync(Campaign campaign)
    {
        if (campaign.Status is not (CampaignStatus.Active or CampaignStatus.Scheduled)) return null;
        if (campaign.QueuedCount == 0 && campaign.InProgressCount == 0) return null;
        var (inputs, slots, callLength) = await ReadAsync(campaign);
        return CompletionEstimate.Estimate(
            campaign.QueuedCount, campaign.InProgressCount, slots, callLength, campaign.Window, time.GetUtcNow(),
            UnixMs.ToTime(inputs.LastNotBefore));
    }

    /// <summary>
    /// The forecast of each of the first <paramref name="count"/> queued items, by id, in dispatch order as at
    /// <paramref name="now"/> (the moment the listing was read at, so both agree on what is due).
    /// </summary>
    public async Task<IReadOnlyDictionary<long, ItemForecast>> QueueAsync(Campaign campaign, int count, DateTimeOffset now)
    {
        var queued = await store.QueuedAsync(campaign.Id, UnixMs.From(now), count);
        if (queued.Count == 0) return new Dictionary<long, ItemForecast>();
        var (inputs, slots, callLength) = await ReadAsync(campaign);
        var window = campaign.Window;
        var waiting = new WaitingContext(campaign.Status, window, now, inputs.UserInUse, inputs.UserLimit, inputs.SystemInUse, inputs.SystemLimit);
        var running = campaign.Status is CampaignStatus.Active or CampaignStatus.Scheduled;
        // On each contact's clock the campaign's own window holds nobody: the gate reads it in each contact's zones.
        var slotWindow = campaign.OnContactsClock ? window with { FirstCallTime = TimeOnly.MinValue, LastCallTime = TimeOnly.MinValue } : window;
        var forecast = new QueueForecast(slotWindow, now, slots, callLength, inputs.InFlightSince.Select(UnixMs.ToTime));
        var terms = campaign.Terms;
        var callingRules = await rules.CurrentAsync();
        var result = new Dictionary<long, ItemForecast>(queued.Count);
        var due = 0;
        for (var i = 0; i < queued.Count; i++)
        {
            var item = queued[i];
            var notBefore = UnixMs.ToTime(item.ScheduledFor);
            var clock = item.Clock();
            var (reason, from, ends) = DialGate.Standard.Decide(new DialSubject(terms, clock, notBefore, item.Attempts, callingRules, CappedUntil: item.Capped()), now) switch
            {
                GateAnswer.Wait wait => (new WaitingReason(wait.Code, wait.Text, wait.Until), wait.DialableAt, wait.DialableAt is null),
                GateAnswer.End => (new WaitingReason(WaitingReason.WindowClosed, "No calling window is left before the end date.", null), null, true),
                _ => (waiting.ForSlot(due++), notBefore, false),
            };
            result[item.Id] = new ItemForecast(i + 1, running && !ends ? forecast.Next(from) : null, reason, ZoneOf(clock));
        }

        return result;
    }

    private static string? ZoneOf(ContactClock clock) => clock.TimeZones.Count > 0 ? clock.TimeZones[0] : null;

    private async Task<(ForecastInputs Inputs, double Slots, TimeSpan CallLength)> ReadAsync(Campaign campaign)
    {
        var inputs = await store.InputsAsync(campaign.Id, campaign.UserId);
        var slots = SlotShare.ForCampaign(inputs.SystemLimit, inputs.WaitingUserLimits, inputs.UserLimit, inputs.UserCampaignsWaiting);
        var callLength = TimeSpan.FromSeconds(inputs.AverageCallSeconds ?? defaults.Value.AssumedCallSeconds);
        return (inputs, Math.Max(slots, 0.01), callLength);
    }
}
