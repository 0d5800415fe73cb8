using System.Globalization;
using System.Text.RegularExpressions;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Policy;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Checks a new list of calling rules as a whole; every problem is reported against its rule and field.</summary>
public static partial class CallingRuleInput
{
    public const int MaxRules = 200;

    public static (IReadOnlyList<CallingRule>? Rules, Dictionary<string, string[]> Errors) Read(IReadOnlyList<CallingRuleDto?>? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null) return (null, new() { ["rules"] = ["Required: a JSON array of {id?, region, from, to, days?}."] });
        if (request.Count > MaxRules) return (null, new() { ["rules"] = [$"At most {MaxRules} rules."] });

        var rules = new List<CallingRule>(request.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Count; i++)
        {
            void Fail(string field, string message) => errors[$"[{i}].{field}"] = [message];
            if (request[i] is not { } dto)
            {
                errors[$"[{i}]"] = ["A rule {region, from, to, days?}, not null."];
                continue;
            }

            var region = dto.Region?.Trim().ToUpperInvariant();
            if (region is null || !RegionPattern().IsMatch(region)) Fail("region", "Required: an ISO country code (US, IN) or US-XX for a state.");
            var from = Time(dto.From, "from", Fail);
            var to = Time(dto.To, "to", Fail);
            var days = Days(dto.Days, Fail);
            var id = string.IsNullOrWhiteSpace(dto.Id) ? null : dto.Id.Trim().ToLowerInvariant();
            if (id is not null && !IdPattern().IsMatch(id)) Fail("id", "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
            else if (id is not null && !ids.Add(id)) Fail("id", $"'{InputLimits.Echo(id)}' is used by an earlier rule.");
            if (region is null || from is null || to is null || errors.Keys.Any(key => key.StartsWith($"[{i}]", StringComparison.Ordinal))) continue;
            rules.Add(new CallingRule(id ?? "", region, from.Value, to.Value, days));
        }

        if (errors.Count > 0) return (null, errors);
        return (rules.Select(rule => rule.Id.Length > 0 ? rule : rule with { Id = FreeId(rule.Region.ToLowerInvariant(), ids) }).ToArray(), errors);
    }

    /// <summary>A rule without an id is named after its region: <c>us-fl</c>, or <c>us-fl-2</c> when that is taken.</summary>
    private static string FreeId(string region, HashSet<string> ids)
    {
        var id = region;
        for (var n = 2; !ids.Add(id); n++) id = string.Create(CultureInfo.InvariantCulture, $"{region}-{n}");
        return id;
    }

    private static TimeOnly? Time(string? value, string field, Action<string, string> fail)
    {
        if (TimeOnly.TryParseExact(value?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        fail(field, "Required, as a time of day HH:mm (00:00 to 23:59) in the contact's local time.");
        return null;
    }

    private static DayOfWeek[]? Days(IReadOnlyList<string>? names, Action<string, string> fail)
    {
        if (names is null) return null;
        var days = names.Select(WeekDays.Parse).ToArray();
        if (names.Count == 0 || names.Count > 7 * 4 || days.Any(day => day is null))
        {
            fail("days", "Days of the week: mon, tue, wed, thu, fri, sat, sun (leave days out for every day).");
            return null;
        }

        return days.Select(day => day!.Value).Distinct().Order().ToArray();
    }

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();
}
