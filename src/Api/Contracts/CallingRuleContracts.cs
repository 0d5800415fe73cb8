using CallCampaigns.Domain.Policy;

namespace CallCampaigns.Api.Contracts;

/// <summary>A calling rule as the API writes it: <c>from</c>/<c>to</c> as HH:mm, <c>days</c> as mon..sun (absent: every day).</summary>
public sealed record CallingRuleDto(string? Id, string? Region, string? From, string? To, IReadOnlyList<string>? Days = null)
{
    public static CallingRuleDto Of(CallingRule rule) => new(
        rule.Id, rule.Region, Json.Time(rule.From), Json.Time(rule.To),
        rule.Days?.Select(WeekDays.Name).ToArray());
}
