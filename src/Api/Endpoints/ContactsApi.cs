using System.Security.Claims;
using System.Text.Json;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>A user's contacts, unique by E.164 number.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/contacts").WithTags("Contacts").RequireAuthorization(MeApi.UserPolicy);
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{id:long}", Get);
        group.MapPatch("/{id:long}", Update);
        group.MapDelete("/{id:long}", Delete);
        return group;
    }

    public static async Task<Results<Created<Contact>, ValidationProblem, ProblemHttpResult>> Create(
        CreateContactRequest request, ClaimsPrincipal caller, ContactStore contacts, IOptions<ApiDefaults> defaults, EngineClock time)
    {
        if (Bounds(request.Name, request.PhoneNumber, request.Email, request.Company, request.CustomFields) is { } tooLarge) return tooLarge;
        var (e164, error) = PhoneNumberRules.Normalise(request.PhoneNumber, defaults.Value.DefaultRegion);
        if (e164 is null) return Problems.Invalid("phoneNumber", $"Invalid phone number: {error}.");
        if (ZoneProblem(request.TimeZone) is { } badZone) return badZone;
        var clock = ContactTimes.ForNumber(e164, request.TimeZone);
        var now = UnixMs.From(time.GetUtcNow());
        var row = new ContactRow
        {
            UserId = caller.UserId(),
            PhoneNumber = e164,
            Name = Clean(request.Name),
            Email = Clean(request.Email),
            Company = Clean(request.Company),
            CustomFields = JsonSerializer.Serialize(request.CustomFields ?? []),
            TimeZone = clock.StoredZones,
            TimeZoneGiven = !string.IsNullOrWhiteSpace(request.TimeZone),
            Region = clock.Region,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var (id, created) = await contacts.CreateAsync(row);
        if (!created)
        {
            return TypedResults.Problem(
                statusCode: 409, title: "Conflict", detail: $"A contact with number {e164} already exists (id {id}).",
                extensions: new Dictionary<string, object?> { ["existingId"] = id });
        }

        return TypedResults.Created($"/api/contacts/{id}", Contact.From((await contacts.GetAsync(row.UserId, id))!));
    }

    public static async Task<Results<Ok<Paged<Contact>>, ValidationProblem>> List(
        ClaimsPrincipal caller, ContactStore contacts, string? search, int? page, int? pageSize)
    {
        if (Paging.Check(page, pageSize) is { } invalid) return invalid;
        if (InputLimits.TooLong(search, InputLimits.MaxSearchLength) is { } tooLong) return Problems.Invalid("search", tooLong);
        var (p, size) = Paging.Of(page, pageSize);
        var (items, total) = await contacts.ListAsync(caller.UserId(), search, p, size);
        return TypedResults.Ok(new Paged<Contact>(items.Select(Contact.From).ToArray(), total, p, size));
    }

    public static async Task<Results<Ok<Contact>, ProblemHttpResult>> Get(long id, ClaimsPrincipal caller, ContactStore contacts) =>
        await contacts.GetAsync(caller.UserId(), id) is { } row
            ? TypedResults.Ok(Contact.From(row))
            : Problems.NotFound($"No contact {id}.");

    public static async Task<Results<Ok<Contact>, ValidationProblem, ProblemHttpResult>> Update(
        long id, UpdateContactRequest request, ClaimsPrincipal caller, ContactStore contacts, IOptions<ApiDefaults> defaults, EngineClock time,
        IGrainFactory grains)
    {
        var existing = await contacts.GetAsync(caller.UserId(), id);
        if (existing is null) return Problems.NotFound($"No contact {id}.");
        if (Bounds(request.Name, request.PhoneNumber, request.Email, request.Company, request.CustomFields) is { } tooLarge) return tooLarge;
        var phone = existing.PhoneNumber;
        if (request.PhoneNumber is not null)
        {
            var (e164, error) = PhoneNumberRules.Normalise(request.PhoneNumber, defaults.Value.DefaultRegion);
            if (e164 is null) return Problems.Invalid("phoneNumber", $"Invalid phone number: {error}.");
            phone = e164;
        }

        if (ZoneProblem(request.TimeZone) is { } badZone) return badZone;
        var given = request.TimeZone is null ? existing.TimeZoneGiven : request.TimeZone.Trim().Length > 0;
        var zone = request.TimeZone is { Length: > 0 } named ? named : given ? existing.TimeZone : null;
        var clock = ContactTimes.ForNumber(phone, zone);
        var updated = new ContactRow
        {
            Id = id,
            UserId = existing.UserId,
            PhoneNumber = phone,
            Name = request.Name is null ? existing.Name : Clean(request.Name),
            Email = request.Email is null ? existing.Email : Clean(request.Email),
            Company = request.Company is null ? existing.Company : Clean(request.Company),
            CustomFields = request.CustomFields is null ? existing.CustomFields : JsonSerializer.Serialize(request.CustomFields),
            TimeZone = clock.StoredZones,
            TimeZoneGiven = given,
            Region = clock.Region,
            UpdatedAt = UnixMs.From(time.GetUtcNow()),
        };
        if (await contacts.UpdateAsync(updated) is not { } waiting) return Problems.Conflict($"Another contact already has the number {phone}.");
        // Its waiting items are decided again now: a new zone may let them be called sooner.
        foreach (var campaignId in waiting) await grains.GetGrain<ICampaignGrain>(campaignId).Wake();
        return TypedResults.Ok(Contact.From((await contacts.GetAsync(existing.UserId, id))!));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, ClaimsPrincipal caller, ContactStore contacts, IGrainFactory grains, EngineClock time)
    {
        var touched = await contacts.DeleteAsync(caller.UserId(), id, UnixMs.From(time.GetUtcNow()));
        if (touched is null) return Problems.NotFound($"No contact {id}.");
        foreach (var campaignId in touched.Distinct()) await grains.GetGrain<ICampaignGrain>(campaignId).Wake();
        return TypedResults.NoContent();
    }

    /// <summary>The contact's fields held to their bounds (README, "Limits"); null when every one fits.</summary>
    private static ValidationProblem? Bounds(string? name, string? phone, string? email, string? company, IReadOnlyDictionary<string, string>? custom)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value, max) in new[]
                 {
                     ("name", name?.Trim(), InputLimits.MaxNameLength), ("phoneNumber", phone?.Trim(), InputLimits.MaxPhoneLength),
                     ("email", email?.Trim(), InputLimits.MaxEmailLength), ("company", company?.Trim(), InputLimits.MaxCompanyLength),
                 })
        {
            if (InputLimits.TooLong(value, max) is { } tooLong) errors[field] = [tooLong];
        }

        if (InputLimits.CustomFieldsProblem(custom) is { } problem) errors["customFields"] = [problem];
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, detail: $"{errors.First().Key}: {errors.First().Value[0]}");
    }

    /// <summary>A given zone must be an IANA name this node knows; null (or empty, on an edit) is no zone given.</summary>
    private static ValidationProblem? ZoneProblem(string? zone) =>
        string.IsNullOrWhiteSpace(zone) || (zone.Trim().Length <= InputLimits.MaxEchoLength && TimeZones.IsKnown(zone.Trim()))
            ? null
            : Problems.Invalid("timeZone", $"Unknown time zone '{InputLimits.Echo(zone.Trim())}': use an IANA name such as Europe/London.");

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// Paging parameters: page 1 to <see cref="MaxPage"/>, page size 1 to 200 (default 50). The page bound keeps every
/// offset (page x size) far inside an int: 10,000 x 200 is two million rows, beyond any listing a person pages through.
/// </summary>
public static class Paging
{
    public const int MaxPageSize = 200;

    public const int MaxPage = 10_000;

    public static (int Page, int PageSize) Of(int? page, int? pageSize) => (page ?? 1, pageSize ?? 50);

    public static ValidationProblem? Check(int? page, int? pageSize)
    {
        if (page is < 1 or > MaxPage) return Problems.Invalid("page", $"Page must be between 1 and {MaxPage}.");
        if (pageSize is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"Page size must be between 1 and {MaxPageSize}.");
        return null;
    }
}
