using System.Security.Claims;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Api.Imports;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Suppressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>
/// The do-not-call lists: <c>/api/suppressions</c> is the caller's own, <c>/api/admin/suppressions</c> the system's
/// (the admin key), which applies to every user. Same shapes on both.
/// </summary>
public static class SuppressionsApi
{
    public static IEndpointRouteBuilder MapSuppressionsApi(this IEndpointRouteBuilder routes)
    {
        Map(routes.MapGroup("/api/suppressions").WithTags("Do not call").RequireAuthorization(MeApi.UserPolicy), systemWide: false);
        Map(routes.MapGroup("/api/admin/suppressions").WithTags("Do not call")
            .RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthentication.AdminRole)), systemWide: true);
        return routes;
    }

    private static void Map(RouteGroupBuilder group, bool systemWide)
    {
        string? Owner(ClaimsPrincipal caller) => systemWide ? null : caller.UserId();
        group.MapPost("/", (AddSuppressionRequest request, ClaimsPrincipal caller, SuppressionStore store, IGrainFactory grains,
                IOptions<ApiDefaults> defaults, EngineClock time) =>
            AddAsync(request, Owner(caller), systemWide ? Sources.Admin : Sources.Api, store, grains, defaults, time));
        group.MapGet("/", (ClaimsPrincipal caller, SuppressionStore store, string? search, int? page, int? pageSize) =>
            ListAsync(Owner(caller), store, search, page, pageSize));
        var limit = ((IEndpointRouteBuilder)group).ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxFileBytes;
        group.MapPost("/import", (HttpRequest request, ClaimsPrincipal caller, SuppressionImporter importer, IGrainFactory grains, EngineClock time,
                CancellationToken cancellationToken) => ImportAsync(request, Owner(caller), systemWide ? "/api/admin/suppressions" : "/api/suppressions", importer, grains, time, cancellationToken))
            .DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(limit * 2 + (1 << 20)));
        group.MapGet("/imports/{id:long}/errors.csv", (long id, ClaimsPrincipal caller, SuppressionImportStore imports, HttpResponse response) =>
            ErrorsAsync(id, Owner(caller), imports, response));
        group.MapDelete("/{phoneNumber}", (string phoneNumber, ClaimsPrincipal caller, SuppressionStore store, IOptions<ApiDefaults> defaults) =>
            RemoveAsync(phoneNumber, Owner(caller), store, defaults));
    }

    private static async Task<Results<Created<SuppressionEntry>, ValidationProblem, ProblemHttpResult>> AddAsync(
        AddSuppressionRequest request, string? userId, string source, SuppressionStore store, IGrainFactory grains,
        IOptions<ApiDefaults> defaults, EngineClock time)
    {
        var (e164, error) = PhoneNumberRules.Normalise(request.PhoneNumber, defaults.Value.DefaultRegion);
        if (e164 is null) return Problems.Invalid("phoneNumber", $"Invalid phone number: {error}.");
        if (InputLimits.TooLong(request.Reason, InputLimits.MaxTextLength) is { } tooLong) return Problems.Invalid("reason", tooLong);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        var now = UnixMs.From(time.GetUtcNow());
        var (added, campaigns) = await store.AddAsync(userId, e164, source, reason, now);
        if (!added) return Problems.Conflict($"{e164} is already on the list.");
        // The campaigns whose queued items it ended may now be complete.
        foreach (var campaignId in campaigns) await grains.GetGrain<ICampaignGrain>(campaignId).Wake();
        var entry = new SuppressionEntry(e164, reason, source, UnixMs.ToTime(now).UtcDateTime);
        return TypedResults.Created($"{(userId is null ? "/api/admin/suppressions" : "/api/suppressions")}/{Uri.EscapeDataString(e164)}", entry);
    }

    /// <summary>What an import of a list answers: as a contact import's summary, without the campaign.</summary>
    public sealed record ImportSummary(
        long ImportId, int TotalRows, int Imported, int SkippedDuplicates, int Failed, IReadOnlyList<SuppressionImportError> Errors,
        string ErrorReportUrl);

    private static async Task<Results<Ok<ImportSummary>, ValidationProblem>> ImportAsync(
        HttpRequest request, string? userId, string list, SuppressionImporter importer, IGrainFactory grains, EngineClock time,
        CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return Problems.Invalid("file", "Send multipart/form-data with the CSV as 'file'.");
        if (await ImportsApi.ReadFormAsync(request, cancellationToken) is not { } form) return Problems.Invalid("file", ImportsApi.UnreadableForm);
        if (form.Files.GetFile("file") is not { } file) return Problems.Invalid("file", "Required: the CSV file, as the form field 'file'.");
        try
        {
            await using var stream = file.OpenReadStream();
            var summary = await importer.ImportAsync(stream, userId, UnixMs.From(time.GetUtcNow()), cancellationToken);
            foreach (var campaignId in summary.Campaigns) await grains.GetGrain<ICampaignGrain>(campaignId).Wake();
            return TypedResults.Ok(new ImportSummary(
                summary.ImportId, summary.TotalRows, summary.Imported, summary.SkippedDuplicates, summary.Failed, summary.Errors,
                $"{list}/imports/{summary.ImportId}/errors.csv"));
        }
        catch (RejectedFileException e)
        {
            return Problems.Invalid("file", e.Message);
        }
    }

    /// <summary>Every row an import onto this list refused, as CSV, streamed from the ledger.</summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ErrorsAsync(
        long id, string? userId, SuppressionImportStore imports, HttpResponse response)
    {
        if (!await imports.ExistsAsync(userId, id)) return Problems.NotFound($"No import {id} onto this list.");
        await ErrorsCsv.WriteAsync(response, $"do-not-call-import-{id}-errors.csv", imports.AllErrorsAsync(id));
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<Paged<SuppressionEntry>>, ValidationProblem>> ListAsync(
        string? userId, SuppressionStore store, string? search, int? page, int? pageSize)
    {
        if (Paging.Check(page, pageSize) is { } invalid) return invalid;
        if (InputLimits.TooLong(search, InputLimits.MaxSearchLength) is { } tooLong) return Problems.Invalid("search", tooLong);
        var (p, size) = Paging.Of(page, pageSize);
        var (items, total) = await store.ListAsync(userId, search, p, size);
        return TypedResults.Ok(new Paged<SuppressionEntry>(items.Select(SuppressionEntry.From).ToArray(), total, p, size));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveAsync(
        string phoneNumber, string? userId, SuppressionStore store, IOptions<ApiDefaults> defaults)
    {
        var (e164, error) = PhoneNumberRules.Normalise(phoneNumber, defaults.Value.DefaultRegion);
        if (e164 is null) return Problems.Invalid("phoneNumber", $"Invalid phone number: {error}.");
        return await store.RemoveAsync(userId, e164) ? TypedResults.NoContent() : Problems.NotFound($"{e164} is not on the list.");
    }
}
