using System.Security.Claims;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using Campaign = CallCampaigns.Api.Contracts.Campaign;
using CallCampaigns.Api.Forecasts;
using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Campaigns: create, list, read, lifecycle moves, contacts joining, and the queue.</summary>
public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization(MeApi.UserPolicy);
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{id:long}", Get);
        group.MapPost("/{id:long}/pause", (long id, ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts, IGrainFactory grains) =>
            Move(id, caller, campaigns, forecasts, grains, g => g.Pause()));
        group.MapPost("/{id:long}/resume", (long id, ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts, IGrainFactory grains) =>
            Move(id, caller, campaigns, forecasts, grains, g => g.Resume()));
        group.MapPost("/{id:long}/cancel", (long id, ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts, IGrainFactory grains) =>
            Move(id, caller, campaigns, forecasts, grains, g => g.Cancel()));
        group.MapPatch("/{id:long}", Edit);
        group.MapDelete("/{id:long}", Delete);
        group.MapPost("/{id:long}/contacts", AddContacts);
        group.MapGet("/{id:long}/queue", Queue);
        group.MapGet("/{id:long}/analytics", AnalyticsApi.Get);
        group.MapGet("/{id:long}/events", EventsApi.Stream);
        return group;
    }

    public sealed record AddContactsRequest(IReadOnlyList<long>? ContactIds);

    public sealed record AddContactsResult(int Added, int SkippedDuplicates);

    public static async Task<Results<Created<Campaign>, ValidationProblem>> Create(
        CreateCampaignRequest request, ClaimsPrincipal caller, CampaignStore campaigns, ContactStore contacts,
        IDialer dialer, IGrainFactory grains, IOptions<ApiDefaults> defaults, EngineClock time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var agents = await KnownAgentIdsAsync(dialer, cancellationToken);
        var (campaign, errors) = CampaignInput.Read(request, caller.UserId(), defaults.Value, agents, now);
        var (found, contactError) = await FindContactsAsync(caller.UserId(), request.ContactIds, contacts);
        if (contactError is not null) errors["contactIds"] = [contactError];
        if (campaign is null || errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.First().Value[0]);

        var id = await campaigns.CreateAsync(campaign, CampaignItems.Plan(campaign, found, now));
        await grains.GetGrain<ICampaignGrain>(id).Wake();
        return TypedResults.Created($"/api/campaigns/{id}", Campaign.From((await campaigns.GetAsync(id))!));
    }

    public static async Task<Results<Ok<CampaignPage>, ValidationProblem>> List(
        ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts, string? status, int? page, int? pageSize)
    {
        if (Paging.Check(page, pageSize) is { } invalid) return invalid;
        if (status is not null && !CampaignStatus.All.Contains(status))
        {
            return Problems.Invalid("status", $"Must be one of {string.Join(", ", CampaignStatus.All)}.");
        }

        var (p, size) = Paging.Of(page, pageSize);
        var (items, total, counts) = await campaigns.ListAsync(caller.UserId(), status, p, size);
        var described = new List<Campaign>(items.Count);
        foreach (var item in items) described.Add(await DescribeAsync(item, forecasts));
        return TypedResults.Ok(new CampaignPage(
            described, total, p, size,
            new CampaignCounts(counts.Scheduled, counts.Active, counts.Paused, counts.Completed, counts.Cancelled)));
    }

    public static async Task<Results<Ok<Campaign>, ProblemHttpResult>> Get(
        long id, ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts) =>
        await campaigns.GetForUserAsync(caller.UserId(), id) is { } row
            ? TypedResults.Ok(await DescribeAsync(row, forecasts))
            : Problems.NotFound($"No campaign {id}.");

    /// <summary>The campaign with its estimated completion.</summary>
    internal static async Task<Campaign> DescribeAsync(Domain.Campaigns.Campaign row, CampaignForecasts forecasts) =>
        Campaign.From(row, await forecasts.CompletionAsync(row));

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult>> Move(
        long id, ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts, IGrainFactory grains,
        Func<ICampaignGrain, Task<LifecycleResult>> move)
    {
        if (await campaigns.GetForUserAsync(caller.UserId(), id) is null) return Problems.NotFound($"No campaign {id}.");
        var result = await move(grains.GetGrain<ICampaignGrain>(id));
        if (!result.Done) return Problems.Conflict($"Not allowed: {result.Error}.");
        return TypedResults.Ok(await DescribeAsync((await campaigns.GetAsync(id))!, forecasts));
    }

    public static async Task<Results<Ok<Campaign>, ValidationProblem, ProblemHttpResult>> Edit(
        long id, UpdateCampaignRequest request, ClaimsPrincipal caller, CampaignStore campaigns, CampaignForecasts forecasts,
        IDialer dialer, IGrainFactory grains, IOptions<ApiDefaults> defaults, EngineClock time, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");
        if (CampaignStatus.IsFinal(campaign.Status)) return Problems.Conflict($"Campaign {id} is {campaign.Status}: it can no longer be edited.");
        var agents = request.AgentId is null ? [] : await KnownAgentIdsAsync(dialer, cancellationToken);
        var (settings, errors) = CampaignInput.Edit(request, campaign, defaults.Value, agents, time.GetUtcNow());
        if (settings is null) return TypedResults.ValidationProblem(errors, detail: errors.First().Value[0]);
        var result = await grains.GetGrain<ICampaignGrain>(id).Edit(settings);
        if (!result.Done) return Problems.Conflict($"Not allowed: {result.Error}.");
        return TypedResults.Ok(await DescribeAsync((await campaigns.GetAsync(id))!, forecasts));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, ClaimsPrincipal caller, CampaignStore campaigns)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");
        if (CampaignStatus.IsRunning(campaign.Status)) return Problems.Conflict($"Campaign {id} is {campaign.Status}: pause or cancel it first.");
        if (campaign.InProgressCount > 0) return Problems.Conflict($"Campaign {id} has {campaign.InProgressCount} calls in flight: delete it once they end.");
        await campaigns.DeleteAsync(id);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AddContactsResult>, ValidationProblem, ProblemHttpResult>> AddContacts(
        long id, AddContactsRequest request, ClaimsPrincipal caller, CampaignStore campaigns, ContactStore contacts,
        IGrainFactory grains, EngineClock time)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");
        if (CampaignStatus.IsFinal(campaign.Status)) return Problems.Conflict($"Campaign {id} is {campaign.Status}: it takes no more contacts.");
        var (found, error) = await FindContactsAsync(caller.UserId(), request.ContactIds, contacts);
        if (error is not null) return Problems.Invalid("contactIds", error);

        var now = time.GetUtcNow();
        if (await campaigns.AddItemsAsync(id, campaign.UserId, CampaignItems.Plan(campaign, found, now), now) is not { } added)
        {
            return Problems.Conflict($"Campaign {id} ended meanwhile: it takes no more contacts.");
        }

        await grains.GetGrain<ICampaignGrain>(id).Wake();
        return TypedResults.Ok(new AddContactsResult(added, found.Count - added));
    }

    public static async Task<Results<Ok<Paged<QueueItem>>, ValidationProblem, ProblemHttpResult>> Queue(
        long id, ClaimsPrincipal caller, CampaignStore campaigns, QueueStore queue, CampaignForecasts forecasts, EngineClock time,
        string? status, int? page, int? pageSize)
    {
        if (Paging.Check(page, pageSize) is { } invalid) return invalid;
        if (status is not null && !ItemStatus.All.Contains(status)) return Problems.Invalid("status", $"Must be one of {string.Join(", ", ItemStatus.All)}.");
        if (await campaigns.GetForUserAsync(caller.UserId(), id) is not { } campaign) return Problems.NotFound($"No campaign {id}.");
        var (p, size) = Paging.Of(page, pageSize);
        var now = time.GetUtcNow();
        var (items, total) = await queue.ListAsync(id, status, p, size, UnixMs.From(now));
        var queuedThrough = p * size; // queued items come first: the forecast needs every one up to this page
        var forecast = items.Any(i => i.Status == ItemStatus.Queued) ? await forecasts.QueueAsync(campaign, queuedThrough, now) : null;
        var listed = items.Select(row => QueueItem.From(row, forecast?.GetValueOrDefault(row.Id))).ToArray();
        return TypedResults.Ok(new Paged<QueueItem>(listed, total, p, size));
    }

    /// <summary>The caller's contacts among the ids, or why the list is not acceptable (empty, or naming unknown ids).</summary>
    private static async Task<(IReadOnlyList<ContactRow> Found, string? Error)> FindContactsAsync(
        string userId, IReadOnlyList<long>? ids, ContactStore contacts)
    {
        if (ids is null || ids.Count == 0) return ([], "Required: at least one contact id.");
        if (ids.Count > InputLimits.MaxContactIds) return ([], $"At most {InputLimits.MaxContactIds:N0} contact ids per request: import a CSV for more.");
        var found = (await contacts.GetManyAsync(userId, ids)).ToDictionary(c => c.Id);
        var unknown = ids.Where(id => !found.ContainsKey(id)).Distinct().ToArray();
        if (unknown.Length > 0) return ([], $"Unknown contact id(s): {string.Join(", ", unknown.Take(50))}.");
        return (ids.Distinct().Select(id => found[id]).ToArray(), null);
    }

    internal static async Task<IReadOnlyCollection<string>> KnownAgentIdsAsync(IDialer dialer, CancellationToken cancellationToken)
    {
        try
        {
            return (await dialer.ListAgentsAsync(cancellationToken)).Select(a => a.Id).ToHashSet();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            // Bolna unreachable, slow (a time-out) or its circuit open: the agent is checked when the first call is
            // placed (an unknown agent pauses the campaign with the reason).
            return [];
        }
    }
}
