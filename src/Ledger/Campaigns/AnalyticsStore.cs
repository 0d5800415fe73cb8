using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Campaigns;

/// <summary>What a campaign's calls came to, from its items (each contact once, by its last attempt) and its attempts (cost).</summary>
public sealed record CampaignFigures(
    IReadOnlyDictionary<string, int> Outcomes,
    double? AverageDurationSeconds,
    double TotalCostCents,
    IReadOnlyList<(long QuarterHour, int Calls, int Successful)> CallsByQuarterHour);

/// <summary>Campaign analytics: SQL's job, one campaign at a time.</summary>
public sealed class AnalyticsStore(LedgerDatabase database)
{
    private const long QuarterHourMs = 15 * 60 * 1000;

    public async Task<CampaignFigures> FiguresAsync(long campaignId)
    {
        await using var connection = await database.OpenAsync();
        var outcomes = (await connection.QueryAsync<(string Outcome, long Count)>(
            """
            SELECT coalesce(outcome, status), count(*) FROM queue_items
            WHERE campaign_id = @campaignId AND status IN ('completed', 'failed', 'cancelled')
            GROUP BY coalesce(outcome, status)
            """,
            new { campaignId })).ToDictionary(r => r.Outcome, r => (int)r.Count);
        var duration = await connection.ExecuteScalarAsync<double?>(
            "SELECT avg(duration_seconds) FROM queue_items WHERE campaign_id = @campaignId AND status = 'completed'",
            new { campaignId });
        var cost = await connection.ExecuteScalarAsync<double?>(
            "SELECT sum(cost_cents) FROM call_attempts WHERE campaign_id = @campaignId", new { campaignId }) ?? 0;
        var byQuarter = (await connection.QueryAsync<(long Quarter, long Calls, long Successful)>(
            """
            SELECT started_at / @QuarterHourMs, count(*), sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END)
            FROM queue_items WHERE campaign_id = @campaignId AND status IN ('completed', 'failed') AND started_at IS NOT NULL
            GROUP BY started_at / @QuarterHourMs
            """,
            new { campaignId, QuarterHourMs })).Select(r => (r.Quarter * QuarterHourMs, (int)r.Calls, (int)r.Successful)).ToArray();
return new CampaignFigures(outcomes, duration, cost, byQuarter);
    }
}
