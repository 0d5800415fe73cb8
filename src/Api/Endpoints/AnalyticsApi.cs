using System.Security.Claims;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Api.Forecasts;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCampaigns.Api.Endpoints;

/// <summary>A campaign's figures: counts each contact once, by its last attempt; cost over every attempt.</summary>
public static class AnalyticsApi
{
    public sealed record HourFigures(int Hour, int Calls, int Successful);

    public sealed record Analytics(
        int TotalContacts, int Queued, int InProgress, int Completed, int Successful, int Failed, int Cancelled,
        double SuccessRate, double? AverageDurationSeconds, decimal TotalCost, IReadOnlyDictionary<string, int> Outcomes,
        IReadOnlyList<HourFigures> CallsByHour, DateTime? EstimatedCompletionAt);

    public static async Task<Results<Ok<Analytics>, ProblemHttpResult>> Get(
        long id, ClaimsPrincipal caller, CampaignStore campaigns, AnalyticsStore analytics, CampaignForecasts forecasts)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");
        var figures = await analytics.FiguresAsync(id);
        var zone = TimeZones.Find(campaign.Window.TimeZone);

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
            Json.Utc(await forecasts.CompletionAsync(campaign))));
    }
}
