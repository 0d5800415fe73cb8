using System.Globalization;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Rules;

/// <summary>The calling rules (quiet hours) every campaign goes by, in their order; seeded with the shipped defaults.</summary>
public sealed class CallingRuleStore(LedgerDatabase database)
{
    public async Task<IReadOnlyList<CallingRule>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Id, string Region, string FromTime, string ToTime, string? Days)>(
            "SELECT id, region, from_time, to_time, days FROM calling_rules ORDER BY position");
        return rows.Select(row => new CallingRule(
            row.Id, row.Region, Time(row.FromTime), Time(row.ToTime),
            row.Days?.Split(',').Select(day => WeekDays.Parse(day) ?? throw new FormatException($"Stored day '{day}'")).ToArray())).ToArray();
    }

    /// <summary>Replaces every rule with <paramref name="rules"/>, in one transaction.</summary>
    public async Task ReplaceAsync(IReadOnlyList<CallingRule> rules)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("DELETE FROM calling_rules", transaction: transaction);
        await connection.ExecuteAsync(
            "INSERT INTO calling_rules (id, position, region, from_time, to_time, days) VALUES (@Id, @Position, @Region, @From, @To, @Days)",
            rules.Select((rule, i) => new
            {
                rule.Id,
                Position = i + 1,
                rule.Region,
                From = rule.From.ToString("HH:mm", CultureInfo.InvariantCulture),
                To = rule.To.ToString("HH:mm", CultureInfo.InvariantCulture),
                Days = rule.Days is null ? null : string.Join(',', rule.Days.Select(WeekDays.Name)),
            }),
            transaction);
        await transaction.CommitAsync();
    }

    private static TimeOnly Time(string text) => TimeOnly.ParseExact(text, "HH:mm", CultureInfo.InvariantCulture);
}
