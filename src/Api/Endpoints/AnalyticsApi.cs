using System.Security.Claims;
using CallCampaigns.Api.Auth;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCampaigns.Api.Endpoints;

/// <summary>A campaign's figures: counts each contact once, by its last attempt; cost over every attempt.</summary>
public static class AnalyticsApi
{
    /// <summary>The length of a call (dial to line end) assumed until the campaign's own calls say otherwise.</summary>
    private static readonly TimeSpan DefaultCallLength = TimeSpan.FromSeconds(90);

    public sealed record HourFigures(int Hour, int Calls, int Successful);

    public sealed record Analytics(
        int TotalContacts, int Queued, int InProgress, int Completed, int Successful, int Failed, int Cancelled,
        double SuccessRate, double? AverageDurationSeconds, decimal TotalCost, IReadOnlyDictionary<string, int> Outcomes,
        IReadOnlyList<HourFigures> CallsByHour, DateTime? EstimatedCompletionAt);

    public static async Task<Results<Ok<Analytics>, ProblemHttpResult>> Get(
        long id, ClaimsPrincipal caller, CampaignStore campaigns, AnalyticsStore analytics, UserStore users, TimeProvider time)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");
        var figures = await analytics.FiguresAsync(id);
        var window = campaign.Window();
        var zone = TimeZones.Find(campaign.TimeZone);

        var hours = new int[24, 2];
        foreach (var (quarter, calls, successful) in figures.CallsByQuarterHour)
        {
            var hour = TimeZoneInfo.ConvertTime(UnixMs.ToTime(quarter), zone).Hour;
            hours[hour, 0] += calls;
            hours[hour, 1] += successful;
        }

        var completed = campaign.SuccessfulCount + campaign.FailedCount;
        return TypedResults.Ok(new Analytics(
            campaign.TotalContacts, campaign.QueuedCount, campaign.InProgressCount, completed, campaign.SuccessfulCount,
            campaign.FailedCount, campaign.CancelledCount,
            completed == 0 ? 0 : Math.Round((double)campaign.SuccessfulCount / completed, 4),
            figures.AverageDurationSeconds is { } average ? Math.Round(average, 1) : null,
            Math.Round((decimal)figures.TotalCostCents / 100m, 4),
            figures.Outcomes,
            Enumerable.Range(0, 24).Select(h => new HourFigures(h, hours[h, 0], hours[h, 1])).ToArray(),
            await EstimateAsync(campaign, figures, window, analytics, users, time.GetUtcNow())));
    }

    private static async Task<DateTime?> EstimateAsync(
        CampaignRow campaign, CampaignFigures figures, CallWindow window, AnalyticsStore analytics, UserStore users, DateTimeOffset now)
    {
        if (campaign.QueuedCount == 0 && campaign.InProgressCount == 0) return null;
        var limit = (await users.GetAsync(campaign.UserId))?.ConcurrencyLimit ?? 1;
        var (userCampaigns, waitingUsers) = await analytics.ContentionAsync(campaign.UserId);
        var slots = Math.Min(limit / (double)Math.Max(1, userCampaigns), await users.GetSystemLimitAsync() / (double)Math.Max(1, waitingUsers));
        var callLength = figures.AverageLineSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultCallLength;
        return CompletionEstimate.Estimate(
            campaign.QueuedCount, campaign.InProgressCount, slots, callLength, window, now, UnixMs.ToTime(figures.LastNotBefore))?.UtcDateTime;
    }
}
