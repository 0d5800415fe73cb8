using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using Campaign = CallCampaigns.Api.Contracts.Campaign;
using CallCampaigns.Api.Imports;
using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Imports;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Imports;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>CSV imports: a new campaign from a file, a file into a campaign, the summaries, the error reports, the templates.</summary>
public static class ImportsApi
{
    private const int ErrorsInSummary = 100;

    public sealed record ImportError(int Row, string? PhoneNumber, string Reason);

    /// <summary>
    /// An import: <c>status</c> is <c>running</c> (then <c>totalRows</c> counts the rows read so far, and the counts
    /// and errors those among them), <c>done</c> or <c>failed</c> (nothing of it joined).
    /// </summary>
    public sealed record ImportSummary(
        long ImportId, string Status, long? CampaignId, string? FileName, int TotalRows, int Imported, int SkippedDuplicates, int Failed,
        IReadOnlyList<ImportError> Errors, string ErrorReportUrl);

    public sealed record ImportList(IReadOnlyList<ImportSummary> Items);

    public sealed record CampaignImport(Campaign Campaign, ImportSummary Import);

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder routes)
    {
        var limit = routes.ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxFileBytes;
        var campaigns = routes.MapGroup("/api/campaigns").WithTags("Imports").RequireAuthorization(MeApi.UserPolicy);
        // The request may be a little over the file limit (the form around it); the file itself is held to the limit.
        campaigns.MapPost("/import", ImportCampaign).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(limit * 2 + (1 << 20)));
        campaigns.MapPost("/{id:long}/contacts/import", ImportIntoCampaign).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(limit * 2 + (1 << 20)));
        var imports = routes.MapGroup("/api/imports").WithTags("Imports").RequireAuthorization(MeApi.UserPolicy);
        imports.MapGet("/", ListImports);
        imports.MapGet("/{id:long}", GetImport);
        imports.MapGet("/{id:long}/errors.csv", GetErrors);
        routes.MapGet("/templates/{name}", GetTemplate).WithTags("Imports").AllowAnonymous();
        return routes;
    }

    public static async Task<Results<Created<CampaignImport>, ValidationProblem, ProblemHttpResult>> ImportCampaign(
        HttpRequest request, ClaimsPrincipal caller, CsvImporter importer, CampaignStore campaigns, ImportStore imports,
        IDialer dialer, IGrainFactory grains, IOptions<ApiDefaults> defaults, EngineClock time, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return Problems.Invalid("file", "Send multipart/form-data with the CSV as 'file' and the campaign's fields beside it.");
        if (await ReadFormAsync(request, cancellationToken) is not { } form) return Problems.Invalid("file", UnreadableForm);
        if (form.Files.GetFile("file") is not { } file) return Problems.Invalid("file", "Required: the CSV file, as the form field 'file'.");
        var (fields, formErrors) = FromForm(form);
        var (draft, errors) = CampaignInput.Read(
            fields, caller.UserId(), defaults.Value, await CampaignsApi.KnownAgentIdsAsync(dialer, cancellationToken), time.GetUtcNow());
        foreach (var (field, messages) in formErrors) errors[field] = messages;
        if (draft is null || errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.First().Value[0]);

        try
        {
            await using var stream = file.OpenReadStream();
            var (id, import) = await importer.ImportAsync(stream, file.FileName, caller.UserId(), new ImportTarget(null, draft), progress: null, cancellationToken);
            await grains.GetGrain<ICampaignGrain>(id).Wake();
            return TypedResults.Created($"/api/campaigns/{id}",
                new CampaignImport(Campaign.From((await campaigns.GetAsync(id))!), await SummaryAsync(import, imports, time)));
        }
        catch (RejectedFileException e)
        {
            return Problems.Invalid("file", e.Message);
        }
    }

    public static async Task<Results<Ok<ImportSummary>, ValidationProblem, ProblemHttpResult>> ImportIntoCampaign(
        long id, HttpRequest request, ClaimsPrincipal caller, CsvImporter importer, CampaignStore campaigns, ImportStore imports,
        IGrainFactory grains, EngineClock time, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");
        if (CampaignStatus.IsFinal(campaign.Status)) return Problems.Conflict($"Campaign {id} is {campaign.Status}: it takes no more contacts.");
        if (!request.HasFormContentType) return Problems.Invalid("file", "Send multipart/form-data with the CSV as 'file'.");
        if (await ReadFormAsync(request, cancellationToken) is not { } form) return Problems.Invalid("file", UnreadableForm);
        if (form.Files.GetFile("file") is not { } file) return Problems.Invalid("file", "Required: the CSV file, as the form field 'file'.");

        try
        {
            await using var stream = file.OpenReadStream();
            // The campaign's live event streams see the import's progress (a new campaign's import has no listeners yet).
            var grain = grains.GetGrain<ICampaignGrain>(id);
            var (_, import) = await importer.ImportAsync(
                stream, file.FileName, caller.UserId(), new ImportTarget(id, campaign), progress => grain.ReportImport(progress).Ignore(), cancellationToken);
            await grain.Wake();
            return TypedResults.Ok(await SummaryAsync(import, imports, time));
        }
        catch (RejectedFileException e)
        {
            return Problems.Invalid("file", e.Message);
        }
    }

    /// <summary>The import, also while it runs (its rows read so far).</summary>
    public static async Task<Results<Ok<ImportSummary>, ProblemHttpResult>> GetImport(long id, ClaimsPrincipal caller, ImportStore imports, EngineClock time) =>
        await imports.GetAsync(caller.UserId(), id) is { } import
            ? TypedResults.Ok(await SummaryAsync(import, imports, time))
            : Problems.NotFound($"No import {id}.");

    /// <summary>The caller's ten most recent imports, newest first; <c>?status=running</c> finds the one an upload started.</summary>
    public static async Task<Results<Ok<ImportList>, ValidationProblem>> ListImports(string? status, ClaimsPrincipal caller, ImportStore imports, EngineClock time)
    {
        if (status is not (null or ImportStatus.Running or ImportStatus.Done or ImportStatus.Failed))
        {
            return Problems.Invalid("status", "An import status is one of running, done, failed.");
        }

        var items = new List<ImportSummary>();
        foreach (var import in await imports.RecentAsync(caller.UserId(), status, 10)) items.Add(await SummaryAsync(import, imports, time));
        return TypedResults.Ok(new ImportList(items));
    }

    /// <summary>Every skipped or failed row with its reason, as CSV, streamed from the ledger.</summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> GetErrors(long id, ClaimsPrincipal caller, ImportStore imports, HttpResponse response)
    {
        if (await imports.GetAsync(caller.UserId(), id) is null) return Problems.NotFound($"No import {id}.");
        await ErrorsCsv.WriteAsync(response, $"import-{id}-errors.csv", imports.AllErrorsAsync(id));
        return TypedResults.Empty;
    }

    public static Results<FileStreamHttpResult, NotFound> GetTemplate(string name)
    {
        var stream = typeof(ImportsApi).Assembly.GetManifestResourceStream($"templates/{name}");
        return stream is null ? TypedResults.NotFound() : TypedResults.File(stream, "text/csv", name);
    }

    private static async Task<ImportSummary> SummaryAsync(ImportRecord import, ImportStore imports, EngineClock time) => new(
        import.Id, ImportStatus.Of(import.Status, UnixMs.ToTime(import.UpdatedAt), time.GetUtcNow()), import.CampaignId, import.FileName,
        import.TotalRows, import.Imported, import.SkippedDuplicates, import.Failed,
        (await imports.ErrorsAsync(import.Id, ErrorsInSummary)).Select(e => new ImportError(e.RowNumber, e.PhoneNumber, e.Reason)).ToArray(),
        $"/api/imports/{import.Id}/errors.csv");

    internal const string UnreadableForm = "The multipart body cannot be read (no boundary, or cut short): send the whole form again.";

    /// <summary>The request's form, or null when the multipart body is malformed (no boundary, truncated, a bad part).</summary>
    internal static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException
                                   && e is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                                   && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// The campaign's fields as form fields; <c>retry</c> as JSON, or as retry.maxAttempts, retry.delayMinutes,
    /// retry.on. A field that is not what it should be (a number that is not a number, JSON that is not JSON) is an error.
    /// </summary>
    private static (CreateCampaignRequest Request, Dictionary<string, string[]> Errors) FromForm(IFormCollection form)
    {
        var errors = new Dictionary<string, string[]>();
        string? Value(string key) => form.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString() : null;
        int? Number(string key)
        {
            if (Value(key) is not { } text) return null;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
            errors[key] = ["A whole number."];
            return null;
        }

        RetryRequest? retry = null;
        if (Value("retry") is { } json)
        {
            try
            {
                retry = JsonSerializer.Deserialize<RetryRequest>(json, JsonSerializerOptions.Web);
            }
            catch (JsonException)
            {
                errors["retry"] = ["JSON such as {\"maxAttempts\": 3, \"delayMinutes\": 30, \"on\": [\"busy\", \"no-answer\"]}."];
            }
        }
        else if (Value("retry.maxAttempts") is not null || Value("retry.on") is not null || Value("retry.delayMinutes") is not null)
        {
            retry = new RetryRequest(Number("retry.maxAttempts"), Number("retry.delayMinutes"), Value("retry.on")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return (new CreateCampaignRequest(
            Value("name"), Value("description"), Value("agentId"), Value("fromPhoneNumber"), Value("nextAction"),
            Value("firstCallTime"), Value("lastCallTime"), Value("timeZone"), Value("startDate"), Value("endDate"),
            Value("pacing"), retry, [0], Value("windowZone"), Value("optOutField")), errors);
    }
}
