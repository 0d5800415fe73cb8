using System.Globalization;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Grains.Abstractions;
using Campaign = CallCampaigns.Domain.Campaigns.Campaign;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Checks a new campaign's fields and fills in the defaults; every problem is reported against its field.</summary>
public static class CampaignInput
{
    private const int MaxRetryDelayMinutes = 7 * 24 * 60;

    public static (Campaign? Campaign, Dictionary<string, string[]> Errors) Read(
        CreateCampaignRequest request, string userId, ApiDefaults defaults, IReadOnlyCollection<string> agentIds, DateTimeOffset now) =>
        Read(request, userId, defaults, agentIds, now, keptStartDate: null);

    /// <summary>
    /// An edit: the campaign's settings with the request's fields over them, checked as a whole. Absent (or null)
    /// fields stay as they are; an empty <c>endDate</c> removes the end date.
    /// </summary>
    public static (CampaignSettings? Settings, Dictionary<string, string[]> Errors) Edit(
        UpdateCampaignRequest request, Campaign current, ApiDefaults defaults, IReadOnlyCollection<string> agentIds, DateTimeOffset now)
    {
        var window = current.Window;
        var startDate = Json.Date(window.StartDate);
        if (request.StartDate is { } asked && asked.Trim() != startDate)
        {
            return (null, new() { ["startDate"] = [$"The start date cannot be changed once the campaign exists (it is {startDate}): create a new campaign instead."] });
        }

        var retry = request.Retry is null
            ? new RetryRequest(current.Retry.MaxAttempts, current.Retry.DelayMinutes, current.Retry.On)
            : request.Retry with { On = request.Retry.On ?? (request.Retry.MaxAttempts is null ? current.Retry.On : null) };
        var merged = new CreateCampaignRequest(
            request.Name ?? current.Name, request.Description ?? current.Description, request.AgentId ?? current.AgentId,
            current.FromPhoneNumber, request.NextAction ?? current.NextAction,
            request.FirstCallTime ?? Json.Time(window.FirstCallTime), request.LastCallTime ?? Json.Time(window.LastCallTime),
            request.TimeZone ?? window.TimeZone, startDate, request.EndDate ?? Json.Date(window.EndDate),
            request.Pacing ?? current.Pacing, retry with { MaxAttempts = retry.MaxAttempts ?? current.Retry.MaxAttempts }, null,
            request.WindowZone ?? current.WindowZone, request.OptOutField ?? current.OptOutField);
        var unchangedAgent = request.AgentId is null ? [current.AgentId] : agentIds;
        var (row, errors) = Read(merged, current.UserId, defaults, unchangedAgent, now, window.StartDate);
        if (row is null) return (null, errors);
        return (new CampaignSettings(row.Name, row.Description, row.AgentId, row.NextAction, row.Window, row.WindowZone, row.Pacing, row.Retry, row.OptOutField), errors);
    }

    private static (Campaign? Campaign, Dictionary<string, string[]> Errors) Read(
        CreateCampaignRequest request, string userId, ApiDefaults defaults, IReadOnlyCollection<string> agentIds, DateTimeOffset now,
        DateOnly? keptStartDate)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(request.AgentId)) Fail("agentId", "Required: the Bolna agent that makes the calls.");
        else if (agentIds.Count > 0 && !agentIds.Contains(request.AgentId)) Fail("agentId", $"Unknown agent '{InputLimits.Echo(request.AgentId)}'. GET /api/agents lists them.");

        var first = Time(request.FirstCallTime, "firstCallTime", Fail);
        var last = Time(request.LastCallTime, "lastCallTime", Fail);

        var zone = string.IsNullOrWhiteSpace(request.TimeZone) ? defaults.DefaultTimeZone : request.TimeZone.Trim();
        if (!TimeZones.IsKnown(zone)) Fail("timeZone", $"Unknown time zone '{InputLimits.Echo(zone)}': use an IANA name such as Europe/London.");

        var today = TimeZones.IsKnown(zone) ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZones.Find(zone)).DateTime) : DateOnly.FromDateTime(now.UtcDateTime);
        var start = keptStartDate ?? (string.IsNullOrWhiteSpace(request.StartDate) ? today : Date(request.StartDate, "startDate", Fail));
        var end = string.IsNullOrWhiteSpace(request.EndDate) ? null : Date(request.EndDate, "endDate", Fail);
        var latest = InputLimits.LatestDate(today);
        if (keptStartDate is null && start is { } s && s < today) Fail("startDate", $"Must be today ({today:yyyy-MM-dd} in {zone}) or later.");
        else if (keptStartDate is null && start > latest) Fail("startDate", $"Must be at most {InputLimits.MaxYearsAhead} years ahead ({latest:yyyy-MM-dd}).");
        if (end > latest) Fail("endDate", $"Must be at most {InputLimits.MaxYearsAhead} years ahead ({latest:yyyy-MM-dd}).");
        else if (start is { } from && end is { } to && to < from) Fail("endDate", "Must not be before startDate.");
        else if (keptStartDate is not null && end is { } ends && ends < today) Fail("endDate", $"Must be today ({today:yyyy-MM-dd} in {zone}) or later.");

        var pacing = string.IsNullOrWhiteSpace(request.Pacing) ? Pacing.Spread : request.Pacing.Trim().ToLowerInvariant();
        if (!Pacing.IsKnown(pacing)) Fail("pacing", "Must be 'spread' or 'asap'.");
        var windowZone = string.IsNullOrWhiteSpace(request.WindowZone) ? WindowZone.Campaign : request.WindowZone.Trim().ToLowerInvariant();
        if (!WindowZone.All.Contains(windowZone)) Fail("windowZone", "Must be 'campaign' (the window in the campaign's timeZone) or 'contact' (in each contact's own).");

        var optOutField = string.IsNullOrWhiteSpace(request.OptOutField) ? OptOut.DefaultField : request.OptOutField.Trim();
        if (optOutField.Length > 100 || !optOutField.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            Fail("optOutField", "The key of the agent's extracted data that says the contact asked not to be called: up to 100 letters, digits, '_', '-' or '.'.");
        }

        var retry = request.Retry;
        var maxAttempts = retry?.MaxAttempts ?? 1;
        var delay = retry?.DelayMinutes ?? 0;
        var asked = retry?.On ?? (maxAttempts > 1 ? RetryPolicy.RetryableOutcomes : []);
        var on = asked.Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o.Trim().ToLowerInvariant()).Distinct().ToArray();
        if (maxAttempts is < 1 or > 5) Fail("retry.maxAttempts", "Must be between 1 and 5.");
        if (delay is < 0 or > MaxRetryDelayMinutes) Fail("retry.delayMinutes", $"Must be between 0 and {MaxRetryDelayMinutes}.");
        if (asked.Any(string.IsNullOrWhiteSpace)) Fail("retry.on", "Outcomes must not be null or empty: use busy, no-answer, failed.");
        else if (asked.Count > RetryPolicy.RetryableOutcomes.Count * 4) Fail("retry.on", $"At most {RetryPolicy.RetryableOutcomes.Count * 4} entries.");
        else if (on.Except(RetryPolicy.RetryableOutcomes).ToArray() is { Length: > 0 } unknown)
        {
            Fail("retry.on", $"Unknown outcome(s) {string.Join(", ", unknown.Take(5).Select(u => u.Length > 40 ? u[..40] + "..." : u))}: use busy, no-answer, failed.");
        }
        else if (maxAttempts > 1 && on.Length == 0) Fail("retry.on", "With maxAttempts above 1, name at least one outcome to retry on (busy, no-answer, failed).");

        foreach (var (field, value, max) in new[]
                 {
                     ("name", request.Name?.Trim(), InputLimits.MaxNameLength), ("description", request.Description?.Trim(), InputLimits.MaxTextLength),
                     ("nextAction", request.NextAction?.Trim(), InputLimits.MaxTextLength), ("agentId", request.AgentId?.Trim(), InputLimits.MaxIdLength),
                     ("fromPhoneNumber", request.FromPhoneNumber?.Trim(), InputLimits.MaxPhoneLength),
                 })
        {
            if (InputLimits.TooLong(value, max) is { } tooLong) Fail(field, tooLong);
        }

        if (errors.Count > 0) return (null, errors);

        return (new Campaign
        {
            UserId = userId,
            Name = string.IsNullOrWhiteSpace(request.Name) ? $"Campaign {now.UtcDateTime:MMM d, yyyy HH:mm}" : request.Name.Trim(),
            Description = Clean(request.Description),
            AgentId = request.AgentId!.Trim(),
            FromPhoneNumber = Clean(request.FromPhoneNumber),
            NextAction = Clean(request.NextAction),
            Window = new CallWindow(first!.Value, last!.Value, zone, start!.Value, end),
            WindowZone = windowZone,
            OptOutField = optOutField,
            Pacing = pacing,
            Retry = new RetryPolicy(maxAttempts, delay, on),
            Status = start > today ? CampaignStatus.Scheduled : CampaignStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        }, errors);
    }

    private static TimeOnly? Time(string? value, string field, Action<string, string> fail)
    {
        if (TimeOnly.TryParseExact(value?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        fail(field, "Required, as a time of day HH:mm (00:00 to 23:59).");
        return null;
    }

    private static DateOnly? Date(string value, string field, Action<string, string> fail)
    {
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        fail(field, "A date YYYY-MM-DD.");
        return null;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
